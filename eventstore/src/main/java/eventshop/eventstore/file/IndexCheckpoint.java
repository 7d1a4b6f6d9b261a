package eventshop.eventstore.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * The stream index saved to {@code index.checkpoint}, so that opening a store scans only the log
 * written after it. Layout (big-endian):
 * <pre>
 * magic "ESIDX002" (8) | end address (8) | head position (8) | last record address (8)
 * | sparse count (4) | sparse addresses (8 each)
 * | stream count (4) | per stream: id (2-byte length + UTF-8), event count (4), addresses (8 each), id hashes (8 each)
 * | CRC32C of everything before (4)
 * </pre>
 * Written to a temporary file, forced, renamed over the old one, and only after the log it
 * describes was forced. A checkpoint that fails its checksum or does not match the log (the record
 * it names as the last one, with that address, position and CRC) is ignored and deleted: the log
 * is scanned instead, since the checkpoint is only a cache of what the log says. A log shorter
 * than a checkpoint that otherwise verifies means acknowledged events are missing: the store
 * refuses to open.
 */
final class IndexCheckpoint {

    static final String FILE = "index.checkpoint";
    private static final byte[] MAGIC = "ESIDX002".getBytes(StandardCharsets.US_ASCII);

    record Loaded(long end, long head, long lastRecordAddress, int lastRecordCrc, long[] sparse,
                  ConcurrentHashMap<String, StreamEntry> streams) {
    }

    private IndexCheckpoint() {
    }

    static void write(Path directory, long end, long head, long lastRecordAddress, int lastRecordCrc,
                      Map<String, StreamEntry> streams, PositionIndex positions) throws IOException {
        Path target = directory.resolve(FILE);
        Path temporary = directory.resolve(FILE + ".tmp");
        CRC32C crc = new CRC32C();
        int sparseCount = (int) Math.min(positions.size(), head < 0 ? 0 : head / PositionIndex.STRIDE + 1);
        long[] sparse = positions.copy(sparseCount);
        List<Map.Entry<String, StreamEntry>> entries = new ArrayList<>(streams.entrySet());
        try (FileChannel file = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ChecksummedOutput out = new ChecksummedOutput(file, crc);
            out.put(MAGIC);
            out.putLong(end);
            out.putLong(head);
            out.putLong(lastRecordAddress);
            out.putInt(lastRecordCrc);
            out.putInt(sparse.length);
            out.putLongs(sparse);
            List<Object[]> durable = new ArrayList<>(entries.size());
            for (Map.Entry<String, StreamEntry> entry : entries) {
                int count = entry.getValue().durableCount(end);
                if (count > 0) {
                    durable.add(new Object[] {entry.getKey(), entry.getValue().copy(count)});
                }
            }
            out.putInt(durable.size());
            for (Object[] stream : durable) {
                byte[] id = ((String) stream[0]).getBytes(StandardCharsets.UTF_8);
                long[][] arrays = (long[][]) stream[1];
                out.putShort(id.length);
                out.put(id);
                out.putInt(arrays[0].length);
                out.putLongs(arrays[0]);
                out.putLongs(arrays[1]);
            }
            out.flush();
            int checksum = (int) crc.getValue();
            ByteBuffer trailer = ByteBuffer.allocate(4).putInt(checksum).flip();
            while (trailer.hasRemaining()) {
                file.write(trailer);
            }
            file.force(true);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Directories.sync(directory);
    }

    /** The checkpoint, or null if there is none or it fails its checksum. */
    static Loaded read(Path directory) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(directory.resolve(FILE));
        } catch (NoSuchFileException e) {
            return null;
        }
        if (bytes.length < MAGIC.length + 8 * 3 + 4 + 4 + 4 + 4) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if ((int) crc.getValue() != buffer.getInt(bytes.length - 4)
                || !java.util.Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        try {
            buffer.position(MAGIC.length);
            long end = buffer.getLong();
            long head = buffer.getLong();
            long lastRecordAddress = buffer.getLong();
            int lastRecordCrc = buffer.getInt();
            long[] sparse = new long[buffer.getInt()];
            readLongs(buffer, sparse);
            int streamCount = buffer.getInt();
            ConcurrentHashMap<String, StreamEntry> streams = new ConcurrentHashMap<>(Math.max(16, streamCount * 2));
            for (int i = 0; i < streamCount; i++) {
                byte[] id = new byte[Short.toUnsignedInt(buffer.getShort())];
                buffer.get(id);
                int count = buffer.getInt();
                long[] addresses = new long[count];
                long[] hashes = new long[count];
                readLongs(buffer, addresses);
                readLongs(buffer, hashes);
                streams.put(new String(id, StandardCharsets.UTF_8), StreamEntry.of(addresses, hashes));
            }
            return new Loaded(end, head, lastRecordAddress, lastRecordCrc, sparse, streams);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void readLongs(ByteBuffer buffer, long[] into) {
        LongBuffer longs = buffer.asLongBuffer();
        longs.get(into);
        buffer.position(buffer.position() + into.length * 8);
    }

    /**
     * Big-endian output through a 1 MiB buffer, checksummed a buffer at a time. (A DataOutputStream
     * over a CheckedOutputStream updated the CRC per field: 8 bytes at a time, a third of the CPU of
     * a store appending at full speed, since every checkpoint writes the whole index.)
     */
    private static final class ChecksummedOutput {
        private final FileChannel file;
        private final CRC32C crc;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);

        ChecksummedOutput(FileChannel file, CRC32C crc) {
            this.file = file;
            this.crc = crc;
        }

        private void room(int bytes) throws IOException {
            if (buffer.remaining() < bytes) {
                flush();
            }
        }

        void put(byte[] bytes) throws IOException {
            int at = 0;
            while (at < bytes.length) {
                room(1);
                int n = Math.min(buffer.remaining(), bytes.length - at);
                buffer.put(bytes, at, n);
                at += n;
            }
        }

        void putShort(int value) throws IOException {
            room(2);
            buffer.putShort((short) value);
        }

        void putInt(int value) throws IOException {
            room(4);
            buffer.putInt(value);
        }

        void putLong(long value) throws IOException {
            room(8);
            buffer.putLong(value);
        }

        void putLongs(long[] values) throws IOException {
            int at = 0;
            while (at < values.length) {
                room(8);
                int n = Math.min(buffer.remaining() / 8, values.length - at);
                buffer.asLongBuffer().put(values, at, n);
                buffer.position(buffer.position() + n * 8);
                at += n;
            }
        }

        /** Checksums and writes what is buffered. */
        void flush() throws IOException {
            buffer.flip();
            crc.update(buffer.array(), 0, buffer.limit());
            while (buffer.hasRemaining()) {
                file.write(buffer);
            }
            buffer.clear();
        }
    }
}
