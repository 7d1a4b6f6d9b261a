package eventshop.eventstore.file;

import eventshop.eventstore.InvalidRequest;
import java.time.Duration;

/**
 * Settings of a {@link FileEventStore}.
 *
 * @param durability           see {@link Durability}; default {@link Durability#FSYNC}
 * @param fsyncInterval        how often {@link Durability#INTERVAL} forces the log; default 100 ms
 * @param segmentBytes         size at which the log rolls to a new segment file; default 256 MiB
 * @param indexCheckpointBytes how much log may be written before the stream index is checkpointed
 *                             again (bounds the log scanned at open); default 64 MiB
 * @param preallocateBytes     how far ahead of the last record the active segment file is filled
 *                             with zeros, so that an fsync of an append writes data into blocks the
 *                             file already has and need not commit a new file size (on ext4 about
 *                             1.5&times; the fsyncs per second of a growing file); 0 turns it off;
 *                             default 4 MiB
 */
public record FileEventStoreOptions(Durability durability, Duration fsyncInterval, long segmentBytes,
                                    long indexCheckpointBytes, long preallocateBytes) {

    public FileEventStoreOptions {
        if (durability == null || fsyncInterval == null) {
            throw new InvalidRequest("durability and fsyncInterval must not be null");
        }
        if (fsyncInterval.isNegative() || fsyncInterval.isZero()) {
            throw new InvalidRequest("fsyncInterval must be positive");
        }
        if (segmentBytes < 1024 * 1024) {
            throw new InvalidRequest("segmentBytes must be at least 1 MiB");
        }
        if (indexCheckpointBytes < 1) {
            throw new InvalidRequest("indexCheckpointBytes must be positive");
        }
        if (preallocateBytes < 0) {
            throw new InvalidRequest("preallocateBytes must not be negative");
        }
    }

    public static FileEventStoreOptions defaults() {
        return new FileEventStoreOptions(Durability.FSYNC, Duration.ofMillis(100), 256L * 1024 * 1024,
                64L * 1024 * 1024, 4L * 1024 * 1024);
    }

    public FileEventStoreOptions withDurability(Durability durability) {
        return new FileEventStoreOptions(durability, fsyncInterval, segmentBytes, indexCheckpointBytes, preallocateBytes);
    }

    public FileEventStoreOptions withFsyncInterval(Duration fsyncInterval) {
        return new FileEventStoreOptions(durability, fsyncInterval, segmentBytes, indexCheckpointBytes, preallocateBytes);
    }

    public FileEventStoreOptions withSegmentBytes(long segmentBytes) {
        return new FileEventStoreOptions(durability, fsyncInterval, segmentBytes, indexCheckpointBytes, preallocateBytes);
    }

    public FileEventStoreOptions withIndexCheckpointBytes(long indexCheckpointBytes) {
        return new FileEventStoreOptions(durability, fsyncInterval, segmentBytes, indexCheckpointBytes, preallocateBytes);
    }

    public FileEventStoreOptions withPreallocateBytes(long preallocateBytes) {
        return new FileEventStoreOptions(durability, fsyncInterval, segmentBytes, indexCheckpointBytes, preallocateBytes);
    }
}
