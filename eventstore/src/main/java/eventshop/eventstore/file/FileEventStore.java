package eventshop.eventstore.file;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.CorruptStoreException;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.EventStoreException;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.Limits;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.Snapshot;
import eventshop.eventstore.StoreClosedException;
import eventshop.eventstore.StoreLockedException;
import eventshop.eventstore.engine.AppendCheck;
import eventshop.eventstore.engine.CatchUpSubscription;
import eventshop.eventstore.engine.LogSource;
import eventshop.eventstore.engine.StreamView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import reactor.core.publisher.Flux;

/**
 * The file engine: a segmented, append-only log on local disk with group commit.
 *
 * <h2>Directory layout</h2>
 * <pre>
 * &lt;dir&gt;/lock                         held with an exclusive OS file lock while the store is open
 * &lt;dir&gt;/log/&lt;base&gt;.log               segments; &lt;base&gt; (20 digits) is the log address of the first byte
 * &lt;dir&gt;/index.checkpoint             the stream index as of a durable log address (see {@link IndexCheckpoint})
 * &lt;dir&gt;/snapshots/&lt;sha-256&gt;.snapshot one file per stream with a snapshot (see {@link SnapshotFiles})
 * </pre>
 * Records are laid out as {@link RecordFormat} says. A log address is a segment's base plus the
 * offset in that segment; positions are numbered 0, 1, 2... in log order.
 *
 * <h2>Writing</h2>
 * Callers encode their events (in their own threads) and queue the append. One writer thread
 * takes every queued append, checks each against the stream index (expected version, retries),
 * places its records in a write buffer (position, version, checksum), updates the index and writes
 * the whole group to the last segment. With {@link Durability#FSYNC} a second thread forces the
 * file and then acknowledges every append of every group written before the force began, so one
 * fsync serves all waiting writers, and the writer fills the next group while the disk flushes.
 * With {@link Durability#INTERVAL} and {@link Durability#NONE} the writer acknowledges after the
 * write. Readers see an event only once it is acknowledged: all reads are bounded by the
 * published {@code visible} end address and head position, which only grow. A failed write or
 * fsync stops the store: nothing after it is acknowledged (the data must be recovered by reopening).
 *
 * <h2>Recovery</h2>
 * Opening loads the newest index checkpoint (if it verifies) and scans the log after it, checking
 * every record's frame, checksum and position. Where the last segment ends in a partial record,
 * a record that fails its checksum with no valid record after it, or a batch without its final
 * record, that tail was never acknowledged and is truncated. A bad record anywhere else is a
 * {@link CorruptStoreException}. Every record read later is verified again.
 *
 * <h2>Memory</h2>
 * The stream index lives in memory: per event one address and one id hash (16 bytes) plus a
 * global id set (about 16 bytes per event), plus one map entry per stream. Reads stream from disk
 * through a small pool of buffers; nothing caches event data.
 *
 * <p>Thread-safe; see {@link EventStore}.
 */
public final class FileEventStore implements EventStore, LogSource {

    private static final System.Logger LOG = System.getLogger(FileEventStore.class.getName());
    private static final int MAX_GROUP_BYTES = 4 * 1024 * 1024;
    private static final int READ_CHUNK = 1024 * 1024;

    /** What readers may see: everything below {@code end}, positions up to {@code head}. */
    private record Visible(long end, long head, long lastRecordAddress) {
    }

    private final Path directory;
    private final FileEventStoreOptions options;
    /** Real paths of the stores open in this JVM (see the constructor). */
    private static final java.util.Set<Path> OPEN_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path lockKey;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Path logDirectory;
    private final SnapshotFiles snapshots;
    private final ConcurrentHashMap<String, StreamEntry> streams;
    private final LongHashSet ids;
    private final PositionIndex positions;
    private final BufferPool buffers = new BufferPool(8, READ_CHUNK);

    private volatile Segment[] segments;
    private volatile Visible visible;
    private volatile boolean closing;
    private volatile boolean closed;
    private volatile EventStoreException failure;

    // writer state (writer thread only after open)
    private final ConcurrentLinkedQueue<AppendRequest> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writerParked = new AtomicBoolean();
    /** How long an idle writer parks at most before it looks at the queue again (appends unpark it). */
    private static final long IDLE_PARK_NANOS = 1_000_000_000L;
    private final Thread writer;
    private final Thread syncer;
    private final LinkedBlockingQueue<Group> written = new LinkedBlockingQueue<>();
    private final CRC32C writerCrc = new CRC32C();
    private ByteBuffer writeBuffer = ByteBuffer.allocateDirect(MAX_GROUP_BYTES + 64 * 1024);
    private volatile Segment active;
    private long activeEnd;        // address after the last byte written to the active segment's file
    private long nextPosition;
    private long lastRecordAddress;
    private volatile boolean writerDone;

    private final ScheduledExecutorService intervalSync;
    private final ExecutorService checkpointer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("eventstore-checkpoint").factory());
    private final AtomicBoolean checkpointRunning = new AtomicBoolean();
    private volatile long checkpointedEnd;
    private final long tornTailBytes;
    private final ExecutorService subscriptionExecutor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("eventstore-subscription-", 0).factory());
    private final CatchUpSubscription subscriptions = new CatchUpSubscription(this, subscriptionExecutor);

    /** Opens (creating if needed) the store in {@code directory} with default options. */
    public static FileEventStore open(Path directory) {
        return open(directory, FileEventStoreOptions.defaults());
    }

    /**
     * Opens (creating if needed) the store in {@code directory}, recovering from a crash if one happened.
     *
     * @throws StoreLockedException  if another process or open store holds the directory
     * @throws CorruptStoreException if the log fails verification anywhere but in a torn tail
     */
    public static FileEventStore open(Path directory, FileEventStoreOptions options) {
        if (directory == null || options == null) {
            throw new InvalidRequest("directory and options must not be null");
        }
        try {
            return new FileEventStore(directory, options);
        } catch (IOException e) {
            throw new EventStoreException("cannot open the event store in " + directory + ": " + e, e);
        }
    }

    private FileEventStore(Path directory, FileEventStoreOptions options) throws IOException {
        this.directory = directory;
        this.options = options;
        Files.createDirectories(directory);
        // Closing any descriptor of the lock file drops every lock this process holds on it (POSIX),
        // so a second open in this JVM must be refused before it opens the lock file at all.
        this.lockKey = directory.toRealPath();
        if (!OPEN_IN_THIS_JVM.add(lockKey)) {
            throw new StoreLockedException("the event store in " + lockKey
                    + " is already open in this JVM; close that store first");
        }
        FileLock acquired = null;
        FileChannel channel = null;
        try {
            channel = FileChannel.open(directory.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            acquired = channel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            acquired = null;
        } finally {
            if (acquired == null) {
                if (channel != null) {
                    channel.close();
                }
                OPEN_IN_THIS_JVM.remove(lockKey);
            }
        }
        if (acquired == null) {
            throw new StoreLockedException("the event store in " + lockKey + " is already open in another process");
        }
        this.lockChannel = channel;
        this.lock = acquired;
        try {
            this.logDirectory = Files.createDirectories(directory.resolve("log"));
            this.snapshots = new SnapshotFiles(directory.resolve("snapshots"));
            Recovery recovery = Recovery.run(directory, logDirectory, options.segmentBytes());
            this.streams = recovery.streams;
            this.ids = recovery.ids;
            this.positions = recovery.positions;
            this.segments = recovery.segments.toArray(Segment[]::new);
            this.active = segments[segments.length - 1];
            this.activeEnd = recovery.end;
            this.nextPosition = recovery.head + 1;
            this.lastRecordAddress = recovery.lastRecordAddress;
            this.visible = new Visible(recovery.end, recovery.head, recovery.lastRecordAddress);
            this.checkpointedEnd = recovery.checkpointedEnd;
            this.tornTailBytes = recovery.truncatedBytes;
        } catch (IOException | RuntimeException e) {
            releaseLock();
            throw e;
        }
        this.writer = Thread.ofPlatform().daemon().name("eventstore-writer").unstarted(this::writeLoop);
        this.syncer = Thread.ofPlatform().daemon().name("eventstore-fsync").unstarted(this::syncLoop);
        if (options.durability() == Durability.INTERVAL) {
            intervalSync = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("eventstore-interval-fsync").factory());
            long millis = options.fsyncInterval().toMillis();
            intervalSync.scheduleWithFixedDelay(this::forceQuietly, millis, millis, TimeUnit.MILLISECONDS);
        } else {
            intervalSync = null;
        }
        writer.start();
        if (options.durability() == Durability.FSYNC) {
            syncer.start();
        }
    }

    // ------------------------------------------------------------------------------------------ appends

    /** One queued append, encoded by the caller. */
    private static final class AppendRequest {
        final String streamId;
        final ExpectedVersion expected;
        final List<EventData> events;
        final byte[][] records;
        final long[] idHashes;
        final CompletableFuture<AppendResult> future = new CompletableFuture<>();
        AppendResult result;

        AppendRequest(String streamId, ExpectedVersion expected, List<EventData> events) {
            this.streamId = streamId;
            this.expected = expected;
            this.events = events;
            this.records = new byte[events.size()][];
            this.idHashes = new long[events.size()];
            for (int i = 0; i < records.length; i++) {
                EventData event = events.get(i);
                records[i] = RecordFormat.encode(streamId, event);
                idHashes[i] = RecordFormat.idHash(event.eventId());
            }
        }

        int bytes() {
            int total = 0;
            for (byte[] record : records) {
                total += record.length;
            }
            return total;
        }
    }

    /** Appends written to the file together, acknowledged together. */
    private record Group(List<AppendRequest> requests, Segment segment, Visible visible, boolean stop) {
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(String streamId, ExpectedVersion expected,
                                                       List<EventData> events) {
        Limits.checkAppend(streamId, expected, events);
        AppendRequest request = new AppendRequest(streamId, expected, List.copyOf(events));
        if (closing || failure != null) {
            return CompletableFuture.failedFuture(closedError());
        }
        queue.offer(request);
        if (writerParked.get() && writerParked.compareAndSet(true, false)) {
            LockSupport.unpark(writer);
        }
        if (writerDone) {
            failQueued();
        }
        return request.future;
    }

    private void writeLoop() {
        try {
            while (true) {
                if (failure != null) {
                    break;
                }
                AppendRequest request = queue.poll();
                if (request == null) {
                    if (closing) {
                        break;
                    }
                    writerParked.set(true);
                    if (queue.isEmpty() && !closing) {
                        // an append unparks the writer (parked is set before the queue is checked, so no
                        // wake-up is lost); the timeout is only a safety net. It was 10 ms: 100 wake-ups a
                        // second per idle store, a sixth of the embedded store's idle CPU (issue 14)
                        LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                    }
                    writerParked.set(false);
                    continue;
                }
                List<AppendRequest> group = new ArrayList<>();
                writeBuffer.clear();
                do {
                    place(request, group);
                } while (writeBuffer.position() < MAX_GROUP_BYTES && (request = queue.poll()) != null);
                flushBuffer();
                publishGroup(group);
                maybeCheckpoint();
            }
            if (options.durability() == Durability.FSYNC) {
                written.put(new Group(List.of(), active, visible, true));
            }
        } catch (Throwable e) {
            fail(e);
            if (options.durability() == Durability.FSYNC) {
                written.offer(new Group(List.of(), active, visible, true));
            }
        } finally {
            writerDone = true;
            failQueued();
        }
    }

    private void place(AppendRequest request, List<AppendRequest> group) throws IOException {
        StreamEntry entry = streams.get(request.streamId);
        AppendResult retried;
        try {
            retried = AppendCheck.check(request.streamId, request.expected, request.events,
                    new WriterView(request.streamId, entry));
        } catch (EventStoreException rejected) {
            request.future.completeExceptionally(rejected);
            return;
        }
        if (retried != null) {
            request.result = retried;
            group.add(request);
            return;
        }
        int bytes = request.bytes();
        if (writeBuffer.position() + bytes > writeBuffer.capacity()) {
            flushBuffer();
            writeBuffer.clear();
            if (bytes > writeBuffer.capacity()) {
                writeBuffer = ByteBuffer.allocateDirect(bytes);
            }
        }
        long bufferedEnd = activeEnd + writeBuffer.position();
        if (bufferedEnd - active.base() + bytes > options.segmentBytes() && bufferedEnd > active.base()) {
            flushBuffer();
            writeBuffer.clear();
            roll();
        }
        if (entry == null) {
            entry = new StreamEntry(request.records.length);
            streams.put(request.streamId, entry);
        }
        long version = entry.writerCount() - 1;
        long position = nextPosition;
        int last = request.records.length - 1;
        for (int i = 0; i <= last; i++) {
            byte[] record = request.records[i];
            int offset = writeBuffer.position();
            long address = activeEnd + offset;
            writeBuffer.put(record);
            RecordFormat.place(writeBuffer, offset, record.length, position, ++version, i == last, writerCrc);
            entry.add(address, request.idHashes[i]);
            ids.add(request.idHashes[i]);
            positions.onRecord(position, address);
            lastRecordAddress = address;
            position++;
        }
        nextPosition = position;
        request.result = new AppendResult(version, position - 1);
        group.add(request);
    }

    private void flushBuffer() throws IOException {
        writeBuffer.flip();
        FileChannel channel = active.channel();
        long at = activeEnd - active.base();
        while (writeBuffer.hasRemaining()) {
            at += channel.write(writeBuffer, at);
        }
        activeEnd = active.base() + at;
        writeBuffer.clear();
    }

    private void roll() throws IOException {
        active.channel().force(true);
        Path path = logDirectory.resolve(Segment.fileName(activeEnd));
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Segment next = new Segment(activeEnd, path, channel);
        Directories.sync(logDirectory);
        Segment[] current = segments;
        Segment[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = next;
        segments = grown;
        active = next;
    }

    private void publishGroup(List<AppendRequest> group) throws InterruptedException {
        Visible now = new Visible(activeEnd, nextPosition - 1, lastRecordAddress);
        if (options.durability() == Durability.FSYNC) {
            written.put(new Group(group, active, now, false));
        } else {
            acknowledge(group, now);
        }
    }

    private void syncLoop() {
        List<Group> groups = new ArrayList<>();
        try {
            while (true) {
                groups.clear();
                groups.add(written.take());
                written.drainTo(groups);
                Group last = groups.getLast();
                if (failure != null) {
                    break;
                }
                last.segment().channel().force(false);
                for (Group group : groups) {
                    if (!group.stop()) {
                        acknowledge(group.requests(), group.visible());
                    }
                }
                if (last.stop()) {
                    break;
                }
            }
        } catch (Throwable e) {
            fail(e);
        } finally {
            for (Group group : groups) {
                for (AppendRequest request : group.requests()) {
                    request.future.completeExceptionally(closedError());
                }
            }
            Group group;
            while ((group = written.poll()) != null) {
                for (AppendRequest request : group.requests()) {
                    request.future.completeExceptionally(closedError());
                }
            }
        }
    }

    private void acknowledge(List<AppendRequest> group, Visible now) {
        if (now.head() > visible.head() || now.end() > visible.end()) {
            visible = now;
        }
        for (AppendRequest request : group) {
            request.future.complete(request.result);
        }
        if (subscriptions.activeCount() > 0) {
            subscriptions.headAdvanced();
        }
    }

    private void forceQuietly() {
        try {
            Segment segment = active;
            if (!closed) {
                segment.channel().force(false);
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    private void fail(Throwable e) {
        if (failure == null && !(e instanceof InterruptedException)) {
            failure = new StoreClosedException("the event store in " + directory + " stopped after a failed write"
                    + " or fsync; reopen it to recover: " + e, e);
            LOG.log(System.Logger.Level.ERROR, "event store failed", e);
        }
        closing = true;
        LockSupport.unpark(writer);
        subscriptions.headAdvanced();
    }

    private StoreClosedException closedError() {
        EventStoreException failed = failure;
        if (failed instanceof StoreClosedException closedByFailure) {
            return closedByFailure;
        }
        return new StoreClosedException("the event store in " + directory + " is closed");
    }

    private void failQueued() {
        AppendRequest request;
        while ((request = queue.poll()) != null) {
            request.future.completeExceptionally(closedError());
        }
    }

    /** The stream as the writer sees it, including appends not yet acknowledged. */
    private final class WriterView implements StreamView {
        private final String streamId;
        private final StreamEntry entry;

        WriterView(String streamId, StreamEntry entry) {
            this.streamId = streamId;
            this.entry = entry;
        }

        @Override
        public long version() {
            return entry == null ? -1 : entry.writerCount() - 1;
        }

        @Override
        public long versionOf(UUID eventId) {
            long hash = RecordFormat.idHash(eventId);
            if (entry == null || !ids.contains(hash)) {
                return -1;
            }
            for (long v = entry.writerFindHash(hash, Long.MAX_VALUE); v >= 0; v = entry.writerFindHash(hash, v)) {
                if (eventAt(v).eventId().equals(eventId)) {
                    return v;
                }
            }
            return -1;
        }

        @Override
        public boolean endsBatch(long version) {
            long address = entry.writerAddress(version);
            flushIfBuffered(address);
            Segment segment = segmentOf(address);
            ByteBuffer flags = ByteBuffer.allocate(1);
            try {
                if (segment.channel().read(flags, address - segment.base() + RecordFormat.OFFSET_FLAGS) != 1) {
                    throw corrupt(address, "record cut off");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return (flags.get(0) & RecordFormat.FLAG_END_OF_BATCH) != 0;
        }

        private void flushIfBuffered(long address) {
            if (address >= activeEnd) {
                try {
                    int buffered = writeBuffer.position();
                    if (buffered > 0) {
                        flushBuffer();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        @Override
        public RecordedEvent eventAt(long version) {
            long address = entry.writerAddress(version);
            flushIfBuffered(address);
            return readAt(address, streamId);
        }
    }

    // ------------------------------------------------------------------------------------------ reads

    @Override
    public Flux<RecordedEvent> read(String streamId, long fromVersion) {
        Limits.checkStreamId(streamId);
        Limits.checkVersion(fromVersion);
        return Flux.defer(() -> {
            ensureReadable();
            StreamEntry entry = streams.get(streamId);
            if (entry == null) {
                return Flux.empty();
            }
            long[] addresses = entry.durableAddresses(visible.end(), fromVersion);
            int chunk = 256;
            return Flux.range(0, (addresses.length + chunk - 1) / chunk)
                    .concatMapIterable(i -> readAddresses(addresses, i * chunk,
                            Math.min(addresses.length, (i + 1) * chunk), streamId), 1);
        });
    }

    private List<RecordedEvent> readAddresses(long[] addresses, int from, int to, String streamId) {
        List<RecordedEvent> events = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            events.add(readAt(addresses[i], streamId));
        }
        return events;
    }

    @Override
    public Flux<RecordedEvent> readAll(long fromPosition, int limit) {
        Limits.checkReadAll(fromPosition, limit);
        return Flux.defer(() -> {
            ensureReadable();
            long head = visible.head();
            long last = Math.min(head, fromPosition + limit - 1);
            if (fromPosition > last) {
                return Flux.empty();
            }
            int chunk = CatchUpChunk.SIZE;
            long count = last - fromPosition + 1;
            return Flux.range(0, (int) ((count + chunk - 1) / chunk))
                    .concatMapIterable(i -> {
                        long from = fromPosition + (long) i * chunk;
                        return readBatch(from, (int) Math.min(chunk, last - from + 1));
                    }, 1);
        });
    }

    private static final class CatchUpChunk {
        static final int SIZE = 1024;
    }

    @Override
    public Flux<RecordedEvent> subscribe(long fromPosition) {
        Limits.checkPosition(fromPosition);
        ensureReadable();
        return subscriptions.subscribe(fromPosition);
    }

    @Override
    public List<RecordedEvent> readBatch(long fromPosition, int max) {
        Visible now = visible;
        long last = Math.min(now.head(), fromPosition + max - 1);
        if (fromPosition > last) {
            return List.of();
        }
        long[] floor = positions.floor(fromPosition);
        long position = floor[0];
        long address = floor[1];
        List<RecordedEvent> events = new ArrayList<>((int) (last - fromPosition + 1));
        ByteBuffer buffer = buffers.acquire();
        CRC32C crc = new CRC32C();
        try {
            Segment segment = segmentOf(address);
            while (position <= last) {
                long readable = Math.min(segmentEnd(segment, now.end()), now.end());
                if (address >= readable) {
                    segment = segmentAfter(segment);
                    if (segment == null) {
                        throw corrupt(address, "log ends before position " + position);
                    }
                    address = segment.base();
                    continue;
                }
                int want = (int) Math.min(buffer.capacity(), readable - address);
                segment.readFully(buffer, address - segment.base(), want);
                int offset = 0;
                while (position <= last) {
                    int length = RecordFormat.frame(buffer, offset, want - offset);
                    if (length == 0) {
                        break;
                    }
                    if (length < 0) {
                        throw corrupt(address + offset, "invalid record frame");
                    }
                    accept(buffer, offset, length, address + offset, position, fromPosition, events, crc);
                    position++;
                    offset += length;
                }
                if (offset == 0 && position <= last) {
                    // one record larger than the read buffer
                    if (want < RecordFormat.HEADER) {
                        throw corrupt(address, "record header cut off");
                    }
                    int needed = buffer.getInt(0);
                    if (address + needed > readable) {
                        throw corrupt(address, "record runs past the end of the log");
                    }
                    ByteBuffer big = ByteBuffer.allocate(needed);
                    segment.readFully(big, address - segment.base(), needed);
                    if (RecordFormat.frame(big, 0, needed) != needed) {
                        throw corrupt(address, "invalid record frame");
                    }
                    accept(big, 0, needed, address, position, fromPosition, events, crc);
                    position++;
                    offset = needed;
                }
                address += offset;
            }
        } catch (IOException e) {
            throw new EventStoreException("cannot read the event log in " + directory + ": " + e, e);
        } finally {
            buffers.release(buffer);
        }
        return events;
    }

    private void accept(ByteBuffer buffer, int offset, int length, long address, long position, long fromPosition,
                        List<RecordedEvent> events, CRC32C crc) {
        long recordPosition = RecordFormat.position(buffer, offset);
        if (recordPosition != position) {
            throw corrupt(address, "expected position " + position + ", found " + recordPosition);
        }
        if (position >= fromPosition) {
            if (!RecordFormat.checksumMatches(buffer, offset, length, crc)) {
                throw corrupt(address, "checksum mismatch");
            }
            events.add(RecordFormat.decode(buffer, offset, length));
        }
    }

    private RecordedEvent readAt(long address, String expectedStream) {
        Segment segment = segmentOf(address);
        long offset = address - segment.base();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        try {
            int got = readSome(segment, buffer, offset);
            int length = RecordFormat.frame(buffer, 0, got);
            if (length == 0 && got >= 4) {
                int needed = buffer.getInt(0);
                buffer = ByteBuffer.allocate(needed);
                segment.readFully(buffer, offset, needed);
                length = RecordFormat.frame(buffer, 0, needed);
            }
            if (length <= 0) {
                throw corrupt(address, "invalid record frame");
            }
            if (!RecordFormat.checksumMatches(buffer, 0, length, new CRC32C())) {
                throw corrupt(address, "checksum mismatch");
            }
            RecordedEvent event = RecordFormat.decode(buffer, 0, length);
            if (!event.streamId().equals(expectedStream)) {
                throw corrupt(address, "index points at an event of stream '" + event.streamId() + "'");
            }
            return event;
        } catch (IOException e) {
            throw new EventStoreException("cannot read the event log in " + directory + ": " + e, e);
        }
    }

    private CorruptStoreException corrupt(long address, String what) {
        return new CorruptStoreException("event log in " + directory + " is corrupt at address " + address + " ("
                + what + ")");
    }

    private Segment segmentOf(long address) {
        Segment[] all = segments;
        int low = 0;
        int high = all.length - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (all[mid].base() <= address) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return all[low];
    }

    private Segment segmentAfter(Segment segment) {
        Segment[] all = segments;
        for (int i = 0; i < all.length - 1; i++) {
            if (all[i] == segment) {
                return all[i + 1];
            }
        }
        return null;
    }

    private long segmentEnd(Segment segment, long visibleEnd) {
        Segment next = segmentAfter(segment);
        return next == null ? visibleEnd : next.base();
    }

    private static int readSome(Segment segment, ByteBuffer buffer, long offset) throws IOException {
        buffer.clear();
        int total = 0;
        while (buffer.hasRemaining()) {
            int n = segment.channel().read(buffer, offset + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        buffer.flip();
        return total;
    }

    @Override
    public long visibleHead() {
        return visible.head();
    }

    @Override
    public boolean isClosed() {
        return closing || closed;
    }

    @Override
    public long streamVersion(String streamId) {
        Limits.checkStreamId(streamId);
        StreamEntry entry = streams.get(streamId);
        return entry == null ? ExpectedVersion.NO_STREAM_VERSION : entry.durableCount(visible.end()) - 1;
    }

    @Override
    public long headPosition() {
        return visible.head();
    }

    private void ensureReadable() {
        if (closed) {
            throw new StoreClosedException("the event store in " + directory + " is closed");
        }
    }

    // ------------------------------------------------------------------------------------------ snapshots

    @Override
    public void saveSnapshot(Snapshot snapshot) {
        if (closing || closed) {
            throw closedError();
        }
        Limits.checkSnapshot(snapshot, this::streamVersion);
        snapshots.save(snapshot);
    }

    @Override
    public Optional<Snapshot> loadSnapshot(String streamId) {
        Limits.checkStreamId(streamId);
        ensureReadable();
        return snapshots.load(streamId);
    }

    // ------------------------------------------------------------------------------------------ checkpoints

    private void maybeCheckpoint() {
        if (visible.end() - checkpointedEnd >= options.indexCheckpointBytes()
                && checkpointRunning.compareAndSet(false, true)) {
            checkpointer.execute(() -> {
                try {
                    writeCheckpoint();
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "index checkpoint failed; the next open scans more log", e);
                } finally {
                    checkpointRunning.set(false);
                }
            });
        }
    }

    /**
     * Saves the stream index as of the visible end. The log is forced first (in every durability
     * mode), so a checkpoint never describes log bytes that a machine crash could still lose.
     */
    private void writeCheckpoint() throws IOException {
        Visible at = visible;
        active.channel().force(false); // earlier segments were forced when the log rolled past them
        int lastRecordCrc = at.head() < 0 ? 0 : recordCrcAt(at.lastRecordAddress());
        IndexCheckpoint.write(directory, at.end(), at.head(), at.lastRecordAddress(), lastRecordCrc, streams,
                positions);
        checkpointedEnd = at.end();
    }

    private int recordCrcAt(long address) throws IOException {
        Segment segment = segmentOf(address);
        ByteBuffer crc = ByteBuffer.allocate(4);
        if (segment.channel().read(crc, address - segment.base() + RecordFormat.OFFSET_CRC) != 4) {
            throw corrupt(address, "record cut off");
        }
        return crc.getInt(0);
    }

    // ------------------------------------------------------------------------------------------ close

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closing = true;
        }
        LockSupport.unpark(writer);
        try {
            writer.join();
            if (syncer.isAlive()) {
                syncer.join();
            }
            if (intervalSync != null) {
                intervalSync.shutdownNow();
                intervalSync.awaitTermination(10, TimeUnit.SECONDS);
            }
            checkpointer.shutdown();
            checkpointer.awaitTermination(60, TimeUnit.SECONDS);
            if (failure == null) {
                active.channel().force(true);
                writeCheckpoint();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the event store in " + directory + " failed", e);
        } finally {
            closed = true;
            subscriptions.headAdvanced();
            subscriptionExecutor.shutdown();
            for (Segment segment : segments) {
                try {
                    segment.channel().close();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "closing " + segment.path() + " failed", e);
                }
            }
            releaseLock();
        }
    }

    private void releaseLock() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "releasing the lock of " + directory + " failed", e);
        } finally {
            OPEN_IN_THIS_JVM.remove(lockKey);
        }
    }

    /** Bytes of a torn tail that opening this store truncated (0 if the log ended cleanly); for crash tests. */
    long tornTailBytes() {
        return tornTailBytes;
    }

    /** The directory this store lives in. */
    public Path directory() {
        return directory;
    }

    static List<Path> segmentFiles(Path logDirectory) throws IOException {
        try (Stream<Path> files = Files.list(logDirectory)) {
            return files.filter(p -> p.getFileName().toString().matches("\\d{20}\\.log")).sorted().toList();
        }
    }
}
