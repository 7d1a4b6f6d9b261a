package eventshop.eventstore.file;

import java.io.IOException;
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
}
