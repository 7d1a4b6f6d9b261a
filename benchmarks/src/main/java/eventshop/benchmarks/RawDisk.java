package eventshop.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;

/**
 * The physical limits the engine's figures are compared with, measured with a plain
 * {@link FileChannel} on the same filesystem: how many small durable appends per second one thread
 * gets (write, then {@code force(false)}, which is {@code fdatasync}), and how fast large
 * sequential writes reach the disk.
 */
final class RawDisk {

    /** Bytes per synced write: a 256-byte event plus about 100 bytes of record framing and metadata. */
    static final int FSYNC_WRITE_BYTES = 256 + 100;
    private static final int SEQ_BLOCK = 1024 * 1024;

    record FsyncResult(double perSecond, Histogram latency) {
    }

    record SeqResult(double bytesPerSecond, long bytes, long nanos) {
    }

    private RawDisk() {
    }

    /** Appends {@value #FSYNC_WRITE_BYTES} bytes and forces, in a loop on one thread; warm-up, then measure. */
    static FsyncResult fsyncRate(Path directory, Duration warmup, Duration measure) throws IOException {
        return fsyncRate(directory, warmup, measure, false);
    }

    /**
     * As {@link #fsyncRate(Path, Duration, Duration)}; with {@code zeroFilled} the file is first filled
     * with zeros (and forced), so the writes overwrite blocks the file has and each fsync commits no
     * new file size: the limit for the file engine, which fills its log ahead the same way.
     */
    static FsyncResult fsyncRate(Path directory, Duration warmup, Duration measure, boolean zeroFilled)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(FSYNC_WRITE_BYTES);
        byte[] bytes = new byte[FSYNC_WRITE_BYTES];
        ThreadLocalRandom.current().nextBytes(bytes);
        buffer.put(bytes).flip();
        Histogram latency = new Histogram(3);
        long count = 0;
        String name = zeroFilled ? "fsync-probe-zeros.log" : "fsync-probe.log";
        try (FileChannel channel = FileChannel.open(directory.resolve(name), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            if (zeroFilled) {
                // room for 20,000 fsyncs a second over the whole probe; past it the file grows as usual
                long fill = (warmup.toNanos() + measure.toNanos()) / 1_000_000_000L * 20_000L * FSYNC_WRITE_BYTES;
                ByteBuffer zeros = ByteBuffer.allocateDirect(SEQ_BLOCK);
                for (long at = 0; at < fill; at += SEQ_BLOCK) {
                    zeros.clear();
                    while (zeros.hasRemaining()) {
                        channel.write(zeros, at + zeros.position());
                    }
                }
                channel.force(true);
                channel.position(0);
            }
            long start = System.nanoTime();
            long measureStart = start + warmup.toNanos();
            long measureEnd = measureStart + measure.toNanos();
            while (true) {
                long t0 = System.nanoTime();
                if (t0 >= measureEnd) {
                    break;
                }
                buffer.rewind();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
                long t1 = System.nanoTime();
                if (t1 >= measureStart && t1 < measureEnd) {
                    latency.recordValue(t1 - t0);
                    count++;
                }
            }
        }
        return new FsyncResult(count / (measure.toNanos() / 1e9), latency);
    }

    /** Writes {@code totalBytes} in 1 MiB writes to a new file and forces once at the end; timed to the end of the force. */
    static SeqResult sequentialWrite(Path directory, long totalBytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(SEQ_BLOCK);
        byte[] bytes = new byte[SEQ_BLOCK];
        ThreadLocalRandom.current().nextBytes(bytes);
        buffer.put(bytes).flip();
        long written = 0;
        long start = System.nanoTime();
        try (FileChannel channel = FileChannel.open(directory.resolve("sequential-probe.bin"),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (written < totalBytes) {
                buffer.rewind();
                while (buffer.hasRemaining()) {
                    written += channel.write(buffer);
                }
            }
            channel.force(true);
        }
        long nanos = System.nanoTime() - start;
        return new SeqResult(written / (nanos / 1e9), written, nanos);
    }
}
