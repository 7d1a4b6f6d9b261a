package eventshop.eventstore.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One log file, holding the records whose addresses start at {@code base}. Its name is the base
 * address as 20 decimal digits plus {@code .log}. Positional reads are thread-safe; only the
 * writer writes, and only to the last segment.
 */
record Segment(long base, Path path, FileChannel channel) {

    static String fileName(long base) {
        return String.format("%020d.log", base);
    }

    long size() throws IOException {
        return channel.size();
    }

    /** Reads exactly {@code length} bytes at {@code offset} into {@code buffer}, flipped for reading. */
    void readFully(ByteBuffer buffer, long offset, int length) throws IOException {
        buffer.clear().limit(length);
        long at = offset;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of " + path + " at " + at);
            }
            at += n;
        }
        buffer.flip();
    }
}
