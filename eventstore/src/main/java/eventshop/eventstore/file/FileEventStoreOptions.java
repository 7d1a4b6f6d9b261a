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
 */
public record FileEventStoreOptions(Durability durability, Duration fsyncInterval, long segmentBytes,
                                    long indexCheckpointBytes) {

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
    }

    public static FileEventStoreOptions defaults() {
        return new FileEventStoreOptions(Durability.FSYNC, Duration.ofMillis(100), 256L * 1024 * 1024,
                64L * 1024 * 1024);
    }

    public FileEventStoreOptions withDurability(Durability durability) {
        return new FileEventStoreOptions(durability, fsyncInterval, segmentBytes, indexCheckpointBytes);
    }

    public FileEventStoreOptions withFsyncInterval(Duration fsyncInterval) {
        return new FileEventStoreOptions(durability, fsyncInterval, segmentBytes, indexCheckpointBytes);
    }

    public FileEventStoreOptions withSegmentBytes(long segmentBytes) {
        return new FileEventStoreOptions(durability, fsyncInterval, segmentBytes, indexCheckpointBytes);
    }

    public FileEventStoreOptions withIndexCheckpointBytes(long indexCheckpointBytes) {
        return new FileEventStoreOptions(durability, fsyncInterval, segmentBytes, indexCheckpointBytes);
    }
}
