package eventshop.eventstore.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The file engine's files as its Javadoc documents them ({@code <dir>/log/<20-digit base>.log}
 * segments of big-endian records: length, CRC32C of bytes [8, length), position, version, event id,
 * flags with bit 0 marking the last record of a batch, then the lengths and bytes of stream id,
 * type, metadata and data; {@code <dir>/index.checkpoint}), read and damaged independently of the
 * engine's code, so the tests also check that the documentation is true.
 */
final class LogFiles {

    static final int HEADER = 53;

    /** One record found in a segment file. */
    record Record(Path segment, long offset, int length, int crc, long position, long version, boolean endOfBatch,
                  int streamLength, int typeLength, int metadataLength, int dataLength) {

        long end() {
            return offset + length;
        }

        /** Offset in the segment file of the first data byte. */
        long dataOffset() {
            return offset + HEADER + streamLength + typeLength + metadataLength;
        }

        long typeOffset() {
            return offset + HEADER + streamLength;
        }

        long metadataOffset() {
            return typeOffset() + typeLength;
        }
    }

    private LogFiles() {
    }

    static Path checkpoint(Path dir) {
        return dir.resolve("index.checkpoint");
    }

    /** The segment files, in log order. */
    static List<Path> segments(Path dir) {
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            return files.filter(file -> file.getFileName().toString().matches("\\d{20}\\.log")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path lastSegment(Path dir) {
        return segments(dir).getLast();
    }

    /** The records of a segment file, parsed by their length fields alone. */
    static List<Record> records(Path segment) {
        ByteBuffer bytes = ByteBuffer.wrap(read(segment));
        List<Record> records = new ArrayList<>();
        int at = 0;
        while (at + HEADER <= bytes.limit()) {
            int length = bytes.getInt(at);
            if (length == 0 && onlyZerosFrom(bytes, at)) {
                break; // the zeros the writer fills ahead of its last record (the active segment only)
            }
            if (length < HEADER || at + length > bytes.limit()) {
                throw new AssertionError(segment + ": no record frame at offset " + at + " (length " + length + ")");
            }
            records.add(new Record(segment, at, length, bytes.getInt(at + 4), bytes.getLong(at + 8),
                    bytes.getLong(at + 16), (bytes.get(at + 40) & 1) != 0, Short.toUnsignedInt(bytes.getShort(at + 41)),
                    Short.toUnsignedInt(bytes.getShort(at + 43)), bytes.getInt(at + 45), bytes.getInt(at + 49)));
            at += length;
        }
        if (at != bytes.limit() && !onlyZerosFrom(bytes, at)) {
            throw new AssertionError(segment + ": " + (bytes.limit() - at) + " bytes after the last record");
        }
        return records;
    }

    private static boolean onlyZerosFrom(ByteBuffer bytes, int from) {
        for (int i = from; i < bytes.limit(); i++) {
            if (bytes.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Bytes of the log's segment files without the zeros after the last record (which the writer
     * fills ahead): grows when records are written, shrinks when they are cut.
     */
    static long recordBytes(Path dir) {
        List<Path> segments = segments(dir);
        long total = 0;
        for (int i = 0; i < segments.size(); i++) {
            byte[] bytes = read(segments.get(i));
            int end = bytes.length;
            if (i == segments.size() - 1) {
                while (end > 0 && bytes[end - 1] == 0) {
                    end--;
                }
            }
            total += end;
        }
        return total;
    }

    /** Every record of the log, in log order. */
    static List<Record> allRecords(Path dir) {
        List<Record> all = new ArrayList<>();
        segments(dir).forEach(segment -> all.addAll(records(segment)));
        return all;
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Inverts the bits of one byte of a file. */
    static void flipByte(Path file, long offset) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            if (channel.read(one, offset) != 1) {
                throw new AssertionError(file + " has no byte at " + offset);
            }
            one.put(0, (byte) ~one.get(0)).rewind();
            channel.write(one, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void truncate(Path file, long size) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void append(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The log address up to which the index checkpoint covers the log (its second field). */
    static long checkpointEnd(Path dir) {
        return ByteBuffer.wrap(read(checkpoint(dir))).getLong(8);
    }

    /** The head position the index checkpoint records (its third field). */
    static long checkpointHead(Path dir) {
        return ByteBuffer.wrap(read(checkpoint(dir))).getLong(16);
    }

    /** The log address of the first byte of a segment: its base, from its name. */
    static long base(Path segment) {
        return Long.parseLong(segment.getFileName().toString().substring(0, 20));
    }

    private static final Path OPEN_FILES = Path.of("/proc/self/fd");

    /** Whether {@link #openFilesUnder} can tell (on Linux, through {@code /proc/self/fd}). */
    static boolean canListOpenFiles() {
        return Files.isDirectory(OPEN_FILES);
    }

    /** The files under {@code dir} this process holds open, as Linux lists them in {@code /proc/self/fd}. */
    static List<Path> openFilesUnder(Path dir) {
        Path fds = OPEN_FILES;
        if (!canListOpenFiles()) {
            throw new IllegalStateException("listing open files needs Linux's /proc/self/fd");
        }
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Path> open = new ArrayList<>();
        try (Stream<Path> entries = Files.list(fds)) {
            for (Path fd : entries.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(real)) {
                        open.add(target);
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed while listing (including the listing's own)
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return open;
    }

    /** Copies a store directory file by file, as a crash at this instant would leave it (with no append in flight). */
    static void copyDirectory(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    try {
                        Files.copy(file, target);
                    } catch (java.nio.file.NoSuchFileException vanished) {
                        // a temporary file renamed meanwhile; the renamed one is copied or was already
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
