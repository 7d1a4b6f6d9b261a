package eventshop.eventstore.file;

import eventshop.eventstore.CorruptStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * Opening a store: loads the index checkpoint if it matches the log, scans and verifies the log
 * after it, and truncates a torn tail. See {@link FileEventStore} for the rules.
 */
final class Recovery {

    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());
    private static final int CHUNK = 1024 * 1024;

    ConcurrentHashMap<String, StreamEntry> streams;
    LongHashSet ids;
    PositionIndex positions;
    final List<Segment> segments = new ArrayList<>();
    long end;
    long head = -1;
    long lastRecordAddress = -1;
    long checkpointedEnd;
    /** Bytes of a torn tail truncated by this recovery (0 if the log ended cleanly). */
    long truncatedBytes;

    private final CRC32C crc = new CRC32C();
    /** The batch being scanned: its records are indexed only once its last record is seen. */
    private final List<Object[]> pendingBatch = new ArrayList<>();
    private long batchStart;

    private final Path directory;

    private Recovery(Path directory) {
        this.directory = directory;
    }

    static Recovery run(Path directory, Path logDirectory, long segmentBytes, FileChannels files) throws IOException {
        Recovery recovery = new Recovery(directory);
        try {
            recovery.openSegments(logDirectory, files);
            recovery.loadCheckpoint(directory);
            recovery.scan();
            return recovery;
        } catch (IOException | RuntimeException e) {
            recovery.closeAll();
            throw e;
        }
    }

    private void openSegments(Path logDirectory, FileChannels channels) throws IOException {
        List<Path> files = FileEventStore.segmentFiles(logDirectory);
        if (files.isEmpty()) {
            Path first = logDirectory.resolve(Segment.fileName(0));
            FileChannel channel = channels.open(first, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            Directories.sync(logDirectory);
            segments.add(new Segment(0, first, channel));
            return;
        }
        long expectedBase = 0;
        for (Path file : files) {
            long base = Long.parseLong(file.getFileName().toString().substring(0, 20));
            FileChannel channel = channels.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            segments.add(new Segment(base, file, channel));
            if (base != expectedBase) {
                closeAll();
                throw new CorruptStoreException("log segment " + file + " starts at " + base + " but the segment"
                        + " before it ends at " + expectedBase + " (a segment file is missing or truncated)");
            }
            expectedBase = base + channel.size();
        }
    }

    private void loadCheckpoint(Path directory) throws IOException {
        IndexCheckpoint.Loaded checkpoint = IndexCheckpoint.read(directory);
        if (checkpoint != null && matchesLog(checkpoint)) {
            streams = checkpoint.streams();
            positions = new PositionIndex(checkpoint.sparse());
            long events = 0;
            for (StreamEntry entry : streams.values()) {
                events += entry.writerCount();
            }
            ids = new LongHashSet((int) Math.min(Integer.MAX_VALUE / 4, events + 1024));
            for (StreamEntry entry : streams.values()) {
                long[][] arrays = entry.copy(entry.writerCount());
                for (long hash : arrays[1]) {
                    ids.add(hash);
                }
            }
            end = checkpoint.end();
            head = checkpoint.head();
            lastRecordAddress = checkpoint.lastRecordAddress();
            checkpointedEnd = end;
            return;
        }
        if (checkpoint != null) {
            LOG.log(System.Logger.Level.WARNING, "index checkpoint in " + directory
                    + " does not match the log; deleting it and rebuilding the index from the log");
            Files.deleteIfExists(directory.resolve(IndexCheckpoint.FILE));
            Directories.sync(directory);
        }
        streams = new ConcurrentHashMap<>();
        positions = new PositionIndex(new long[0]);
        ids = new LongHashSet(1024);
        end = 0;
        head = -1;
        lastRecordAddress = -1;
        checkpointedEnd = 0;
    }

    private boolean matchesLog(IndexCheckpoint.Loaded checkpoint) throws IOException {
        Segment last = segments.getLast();
        long logEnd = last.base() + last.size();
        if (checkpoint.end() < 0) {
            return false;
        }
        if (checkpoint.end() > logEnd) {
            throw new CorruptStoreException("the event log in " + directory + " ends at address " + logEnd
                    + " but its index checkpoint (written only after the log was forced) covers it up to "
                    + checkpoint.end() + ": acknowledged events are missing from the log. Restore the log from a"
                    + " backup, or delete " + directory.resolve(IndexCheckpoint.FILE)
                    + " to open the store with only what the log still holds");
        }
        if (checkpoint.head() < 0) {
            return checkpoint.end() == 0;
        }
        if (checkpoint.sparse().length != checkpoint.head() / PositionIndex.STRIDE + 1) {
            return false;
        }
        Segment segment = segmentOf(checkpoint.lastRecordAddress());
        ByteBuffer buffer = ByteBuffer.allocate(RecordFormat.HEADER);
        long offset = checkpoint.lastRecordAddress() - segment.base();
        if (segment.channel().read(buffer, offset) < RecordFormat.HEADER) {
            return false;
        }
        int length = buffer.getInt(0);
        if (length < RecordFormat.HEADER || length > RecordFormat.MAX_RECORD
                || checkpoint.lastRecordAddress() + length != checkpoint.end()) {
            return false;
        }
        ByteBuffer record = ByteBuffer.allocate(length);
        if (segment.channel().read(record, offset) < length) {
            return false;
        }
        return RecordFormat.frame(record, 0, length) == length
                && RecordFormat.checksumMatches(record, 0, length, crc)
                && RecordFormat.position(record, 0) == checkpoint.head()
                && record.getInt(RecordFormat.OFFSET_CRC) == checkpoint.lastRecordCrc()
                && RecordFormat.endOfBatch(record, 0);
    }

    private Segment segmentOf(long address) {
        Segment found = segments.getFirst();
        for (Segment segment : segments) {
            if (segment.base() <= address) {
                found = segment;
            }
        }
        return found;
    }

    /** Scans from {@link #end} to the end of the log, indexing complete batches. */
    private void scan() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        batchStart = end;
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            boolean lastSegment = i == segments.size() - 1;
            long size = segment.size();
            if (segment.base() + size <= end && !lastSegment) {
                continue;
            }
            long offset = Math.max(0, end - segment.base());
            while (offset < size) {
                int want = (int) Math.min(buffer.capacity(), size - offset);
                segment.readFully(buffer, offset, want);
                int at = 0;
                boolean bad = false;
                while (at < want) {
                    int length = RecordFormat.frame(buffer, at, want - at);
                    if (length == 0) {
                        if (at == 0) {
                            int needed = want < RecordFormat.HEADER ? Integer.MAX_VALUE : buffer.getInt(0);
                            if (offset + needed > size) {
                                bad = true;
                            } else {
                                ByteBuffer big = ByteBuffer.allocate(needed);
                                segment.readFully(big, offset, needed);
                                if (!accept(big, 0, needed, segment.base() + offset)) {
                                    bad = true;
                                } else {
                                    at = needed;
                                }
                            }
                        }
                        break;
                    }
                    if (length < 0 || !accept(buffer, at, length, segment.base() + offset + at)) {
                        bad = true;
                        break;
                    }
                    at += length;
                }
                if (bad) {
                    long badAddress = segment.base() + offset + at;
                    if (!lastSegment) {
                        throw corrupt(segment, offset + at, "invalid record in a sealed segment");
                    }
                    if (pendingBatch.isEmpty() && onlyZerosAfter(segment, offset + at, size)) {
                        dropPreallocation(segment, badAddress);
                        return;
                    }
                    if (validRecordAfter(segment, offset + at + 1, size)) {
                        throw corrupt(segment, offset + at, "invalid record followed by valid records");
                    }
                    truncateTail(segment, badAddress);
                    return;
                }
                offset += at;
            }
            if (!pendingBatch.isEmpty()) {
                if (!lastSegment) {
                    throw corrupt(segment, size, "a batch continues past the end of a sealed segment");
                }
                truncateTail(segment, segment.base() + size);
                return;
            }
            end = segment.base() + size;
        }
    }

    /** Verifies one framed record and adds it to the pending batch; false if it is not valid here. */
    private boolean accept(ByteBuffer buffer, int at, int length, long address) {
        if (!RecordFormat.checksumMatches(buffer, at, length, crc)) {
            return false;
        }
        long position = RecordFormat.position(buffer, at);
        long expected = head + 1 + pendingBatch.size();
        if (position != expected) {
            return false;
        }
        if (pendingBatch.isEmpty()) {
            batchStart = address;
        }
        String streamId = RecordFormat.streamId(buffer, at);
        long hash = RecordFormat.idHash(RecordFormat.eventId(buffer, at));
        long version = buffer.getLong(at + RecordFormat.OFFSET_VERSION);
        pendingBatch.add(new Object[] {streamId, address, hash, version, position});
        if (RecordFormat.endOfBatch(buffer, at)) {
            for (Object[] record : pendingBatch) {
                index((String) record[0], (long) record[1], (long) record[2], (long) record[3], (long) record[4]);
            }
            pendingBatch.clear();
            lastRecordAddress = address;
            end = address + length;
        }
        return true;
    }

    private void index(String streamId, long address, long hash, long version, long position) {
        StreamEntry entry = streams.computeIfAbsent(streamId, id -> new StreamEntry(4));
        if (entry.writerCount() != version) {
            throw new CorruptStoreException("event log in " + directory + " holds version " + version + " of stream '"
                    + streamId + "' at address " + address + " where version " + entry.writerCount() + " was expected");
        }
        entry.add(address, hash);
        ids.add(hash);
        positions.onRecord(position, address);
        head = position;
    }

    /**
     * Whether a record that verifies (frame, checksum, a position after the head) starts anywhere
     * in the segment from {@code from} to {@code size}. If one does, the bad record before it is
     * corruption, not a torn tail.
     */
    private boolean validRecordAfter(Segment segment, long from, long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        for (long offset = from; offset < size; ) {
            int want = (int) Math.min(buffer.capacity(), size - offset);
            segment.readFully(buffer, offset, want);
            int limit = want > RecordFormat.HEADER && offset + want < size ? want - RecordFormat.HEADER : want;
            for (int at = 0; at < limit; at++) {
                int length = RecordFormat.frame(buffer, at, want - at);
                long position;
                if (length > 0) {
                    position = RecordFormat.position(buffer, at);
                    if (position > head && RecordFormat.checksumMatches(buffer, at, length, crc)) {
                        return true;
                    }
                } else if (length == 0 && want - at >= RecordFormat.HEADER) {
                    int needed = buffer.getInt(at);
                    if (offset + at + needed <= size) {
                        ByteBuffer big = ByteBuffer.allocate(needed);
                        segment.readFully(big, offset + at, needed);
                        if (RecordFormat.frame(big, 0, needed) == needed && RecordFormat.position(big, 0) > head
                                && RecordFormat.checksumMatches(big, 0, needed, crc)) {
                            return true;
                        }
                    }
                }
            }
            offset += limit;
        }
        return false;
    }

    /** Whether the segment holds only zero bytes from {@code from} to {@code size}: space the writer filled ahead. */
    private static boolean onlyZerosAfter(Segment segment, long from, long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        for (long offset = from; offset < size; ) {
            int want = (int) Math.min(buffer.capacity(), size - offset);
            segment.readFully(buffer, offset, want);
            byte[] bytes = buffer.array();
            for (int i = 0; i < want; i++) {
                if (bytes[i] != 0) {
                    return false;
                }
            }
            offset += want;
        }
        return true;
    }

    /**
     * Cuts the zeros the writer filled ahead of its last record (see {@link
     * FileEventStoreOptions#preallocateBytes()}): not a torn tail, as no record was begun there.
     */
    private void dropPreallocation(Segment segment, long end) throws IOException {
        long size = segment.size();
        LOG.log(System.Logger.Level.DEBUG, "event log " + segment.path() + ": cutting " + (segment.base() + size - end)
                + " bytes of zeros filled ahead of the last record at address " + end);
        segment.channel().truncate(end - segment.base());
        segment.channel().force(true);
        this.end = end;
    }

    private void truncateTail(Segment segment, long badAddress) throws IOException {
        long keep = pendingBatch.isEmpty() ? badAddress : batchStart;
        pendingBatch.clear();
        long size = segment.size();
        LOG.log(System.Logger.Level.WARNING, "event log " + segment.path() + ": truncating a torn tail of "
                + (segment.base() + size - keep) + " bytes at address " + keep + " (never acknowledged)");
        segment.channel().truncate(keep - segment.base());
        segment.channel().force(true);
        truncatedBytes += segment.base() + size - keep;
        end = keep;
    }

    private CorruptStoreException corrupt(Segment segment, long offset, String what) {
        closeAll();
        return new CorruptStoreException("event log segment " + segment.path() + " is corrupt at offset " + offset
                + " (" + what + "); refusing to open rather than skip data");
    }

    private void closeAll() {
        for (Segment segment : segments) {
            try {
                segment.channel().close();
            } catch (IOException ignored) {
                // closing after a failure; the original error is what matters
            }
        }
    }
}
