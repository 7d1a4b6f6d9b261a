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
import eventshop.eventstore.StorageUnavailable;
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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
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
 * fsync serves all waiting writers, and the writer writes the next group while the disk flushes
 * (two batches in the pipeline, acknowledged in order). Neither thread sleeps on a timer: the
 * writer waits until an append is queued, the syncer until a group is written. With
 * {@link Durability#INTERVAL} and {@link Durability#NONE} the writer acknowledges after the write.
 * Readers see an event only once it is acknowledged: all reads are bounded by the published
 * {@code visible} end address and head position, which only grow.
 *
 * <p>A lone writer takes a fast path: when a synchronous {@link #append} finds nothing queued, no
 * group waiting for its fsync and the write lock free, the caller's own thread checks, writes,
 * forces and acknowledges its append, with no hand-off (two thread wake-ups per append cost about
 * as much as the fsync itself). The write lock is what makes one writer at a time: the writer
 * thread holds it for each group, the fast path for its check and write, so the index checks and
 * position assignment stay serial. The fast path's fsync runs after it lets the write lock go (it
 * holds the force lock from before), so an append that comes meanwhile is queued, written by the
 * writer thread during that fsync and forced right after it: the pipeline stays full when writers
 * come and go. {@link #appendAsync} never takes the fast path (it would make the caller wait for
 * the fsync).
 *
 * <h2>Disk faults</h2>
 * A write or fsync of the log that fails (an I/O error, no space left) fails every append not yet
 * acknowledged with {@link StorageUnavailable}, and the writer rolls the log back to the last
 * acknowledged end: it forgets the unacknowledged records in the index and truncates the file
 * (deleting a segment begun after that end), forces the truncation and checks that the last
 * acknowledged record reads back whole. Until that repair succeeds, every append fails with
 * {@link StorageUnavailable}; each new append tries the repair again, so the store takes appends
 * again as soon as the disk does, without a reopen. Readers keep reading what was acknowledged.
 * Every fsync goes through one lock and, after one fails, none runs until the repair: Linux reports
 * a failed writeback to one fsync only and then marks the pages clean (PostgreSQL's "fsyncgate"),
 * so retrying it would report success for data that never reached the disk. With {@link Durability#FSYNC}
 * everything acknowledged was covered by an fsync that succeeded, so the rollback loses nothing
 * acknowledged. With {@link Durability#INTERVAL} and {@link Durability#NONE} a failed fsync may have
 * lost acknowledged events, so it stops the store for good ({@link StorageUnavailable}; reopen it),
 * while a failed write is rolled back as above. If the repair never succeeds, records written after
 * the last acknowledged end may remain in the file, and a later open keeps those that are whole,
 * as after a crash between write and acknowledgement.
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

    // disk faults (see the class comment)
    private final FileChannels files;
    private final Object forceLock = new Object();
    /** Why the log cannot be written (set while faulted, null when healthy); written under forceLock. */
    private volatile Exception fault;
    /** The writer should roll back and repair even if no append comes (an fsync failed elsewhere). */
    private volatile boolean repairWanted;
    /** Under writeLock: the index was rolled back to the visible end, the disk not yet repaired. */
    private boolean rolledBack;
    /** Under writeLock: segments begun after the visible end, to delete in the repair. */
    private final List<Segment> doomed = new ArrayList<>();
    /** Appends a fault made fail: refused by the writer once it has cut the log back (or failed to). */
    private final ConcurrentLinkedQueue<AppendRequest> unsettled = new ConcurrentLinkedQueue<>();

    // writer state: read and written only by the holder of writeLock (the writer thread, or a lone
    // caller on the fast path), after open
    /**
     * One writer at a time: the writer thread, or a caller of {@link #append} on the fast path. Its
     * holder checks appends against the index, assigns positions, writes the log, rolls segments and
     * repairs the log after a fault.
     */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentLinkedQueue<AppendRequest> queue = new ConcurrentLinkedQueue<>();
    /** The writer thread waits for work (see {@link #awaitWork}); whoever gives it work unparks it. */
    private final AtomicBoolean writerParked = new AtomicBoolean();
    /**
     * Groups handed to the syncer and not yet acknowledged or refused (FSYNC only). The fast path
     * runs only when it is 0, so that it never acknowledges ahead of an earlier group.
     */
    private final AtomicInteger inFlight = new AtomicInteger();
    /**
     * Appends in the last group the syncer acknowledged (1 after a fast-path append). The fast path
     * is for a writer that is alone: while groups carry several appends, writers are many, and a
     * fast-path fsync of one append would take a turn of the disk from a group (measured: 16
     * writers lost about a quarter of their throughput to it).
     */
    private volatile int lastGroupAppends = 1;
    /** Appends taken on the fast path (written under writeLock); for tests. */
    private volatile long fastPathAppends;
    private final Thread writer;
    private final Thread syncer;
    private final LinkedBlockingQueue<Group> written = new LinkedBlockingQueue<>();
    private final CRC32C writerCrc = new CRC32C();
    private ByteBuffer writeBuffer = ByteBuffer.allocateDirect(MAX_GROUP_BYTES + 64 * 1024);
    private volatile Segment active;
    private long activeEnd;        // address after the last byte written to the active segment's file
    private long allocatedEnd;     // address up to which the active segment's file holds bytes (records, then zeros)
    private boolean preallocating = true; // false after a zero fill failed, until the next segment or repair
    private ByteBuffer zeros;
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
        return open(directory, options, FileChannels.DEFAULT);
    }

    /** Opens the store with its log segments opened by {@code files} (tests of disk faults). */
    static FileEventStore open(Path directory, FileEventStoreOptions options, FileChannels files) {
        if (directory == null || options == null) {
            throw new InvalidRequest("directory and options must not be null");
        }
        try {
            return new FileEventStore(directory, options, files);
        } catch (IOException e) {
            throw new EventStoreException("cannot open the event store in " + directory + ": " + e, e);
        }
    }

    private FileEventStore(Path directory, FileEventStoreOptions options, FileChannels files) throws IOException {
        this.directory = directory;
        this.options = options;
        this.files = files;
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
            Recovery recovery = Recovery.run(directory, logDirectory, options.segmentBytes(), files);
            this.streams = recovery.streams;
            this.ids = recovery.ids;
            this.positions = recovery.positions;
            this.segments = recovery.segments.toArray(Segment[]::new);
            this.active = segments[segments.length - 1];
            this.activeEnd = recovery.end;
            this.allocatedEnd = active.base() + active.size(); // recovery cut any zeros after the last record
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

    /**
     * Appends written to the file together, acknowledged together. A group with a {@code settled}
     * latch is a barrier: the syncer counts it down once every group before it is settled. Groups
     * with appends (neither barrier nor stop) are counted in {@code inFlight} until settled.
     */
    private record Group(List<AppendRequest> requests, Segment segment, Visible visible, boolean stop,
                         CountDownLatch settled) {

        Group(List<AppendRequest> requests, Segment segment, Visible visible, boolean stop) {
            this(requests, segment, visible, stop, null);
        }
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(String streamId, ExpectedVersion expected,
                                                       List<EventData> events) {
        Limits.checkAppend(streamId, expected, events);
        return enqueue(new AppendRequest(streamId, expected, List.copyOf(events)));
    }

    /**
     * Appends and waits, as {@link EventStore#append} does. A lone writer (nothing queued, no group
     * waiting for its fsync, the log healthy) takes the fast path: it writes, forces and
     * acknowledges its append on its own thread, with no hand-off to the writer and syncer threads
     * (each hand-off is a wake-up, and two of them cost about as much as the fsync). Otherwise the
     * append is queued for the writer thread like {@link #appendAsync}'s.
     */
    @Override
    public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
        Limits.checkAppend(streamId, expected, events);
        AppendRequest request = new AppendRequest(streamId, expected, List.copyOf(events));
        if (!(fastPathOpen() && appendAlone(request))) {
            enqueue(request);
        }
        try {
            return request.future.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                cause.addSuppressed(new EventStoreException("rethrown from append of stream '" + streamId + "'"));
                throw cause;
            }
            throw e;
        }
    }

    private CompletableFuture<AppendResult> enqueue(AppendRequest request) {
        if (closing || failure != null) {
            request.future.completeExceptionally(closedError());
            return request.future;
        }
        queue.offer(request);
        wakeWriter();
        if (writerDone) {
            failQueued();
        }
        return request.future;
    }

    /** Nothing queued, nothing waiting for an fsync, the log healthy and open: a lone writer may write itself. */
    private boolean fastPathOpen() {
        return queue.isEmpty() && inFlight.get() == 0 && lastGroupAppends <= 1 && fault == null && !repairWanted
                && !closing
                && failure == null;
    }

    /**
     * The fast path: if the write lock is free and the fast path still open under it, writes the
     * append, forces the log (FSYNC) and acknowledges it on the caller's thread. Returns false,
     * having done nothing, if the append must be queued instead. A failed write or fsync refuses
     * the append and rolls the log back, as the writer thread does.
     */
    private boolean appendAlone(AppendRequest request) {
        if (!writeLock.tryLock()) {
            return false;
        }
        boolean locked = true;
        try {
            // not when this thread already writes (a callback of an acknowledgement appending again)
            if (writeLock.getHoldCount() > 1 || !fastPathOpen()) {
                return false;
            }
            fastPathAppends++;
            try {
                Written written = writeAlone(request);
                if (written != null) {
                    // The fsync runs outside the write lock, so that the writer thread can write the
                    // appends that come meanwhile while it runs (the pipeline). The force lock is taken
                    // before the write lock is let go: the next fsync, a rollback's repair and the
                    // writer's roll all need it, so none can come between this write and its fsync.
                    inFlight.incrementAndGet();
                    try {
                        synchronized (forceLock) {
                            writeLock.unlock();
                            locked = false;
                            forceAlone(request, written);
                        }
                    } finally {
                        inFlight.decrementAndGet();
                    }
                }
            } catch (RuntimeException | Error e) {
                // as on the writer thread: a bug or a broken log stops the store
                fail(e);
                request.future.completeExceptionally(closedError());
            }
        } finally {
            if (locked) {
                writeLock.unlock();
            }
        }
        maybeCheckpoint();
        return true;
    }

    /** An append written on the fast path and not yet forced: the segment it went to and the end it makes visible. */
    private record Written(Segment segment, Visible visible) {
    }

    /**
     * Under writeLock, on the fast path: writes one append. Returns what is left to force, or null
     * if nothing is (the append was refused, was a retry of stored events, or is acknowledged
     * already because the store does not fsync per append).
     */
    private Written writeAlone(AppendRequest request) {
        List<AppendRequest> group = new ArrayList<>(1);
        writeBuffer.clear();
        try {
            place(request, group);
            flushBuffer();
        } catch (IOException | UncheckedIOException e) {
            writeFailed(e instanceof UncheckedIOException unchecked ? unchecked.getCause() : (IOException) e,
                    group, request);
            return null;
        }
        if (group.isEmpty()) {
            return null; // rejected: the future already failed
        }
        Visible now = new Visible(activeEnd, nextPosition - 1, lastRecordAddress);
        if (options.durability() == Durability.FSYNC && now.end() > visible.end()) {
            return new Written(active, now);
        }
        acknowledge(group, now);
        return null;
    }

    /**
     * Under forceLock, on the fast path after its write: forces the segment and acknowledges the
     * append, or, if the fsync failed (or the log is faulted), leaves it to the writer thread's
     * repair, which cuts it from the log and then refuses it, as it does a group of the syncer's.
     */
    private void forceAlone(AppendRequest request, Written written) {
        boolean durable;
        try {
            durable = force(written.segment(), false);
        } catch (IOException e) {
            durable = false;
        }
        if (durable) {
            lastGroupAppends = 1;
            acknowledge(List.of(request), written.visible());
        } else {
            unsettled.add(request);
            repairWanted = true;
            LockSupport.unpark(writer);
        }
    }

    private void wakeWriter() {
        if (writerParked.get() && writerParked.compareAndSet(true, false)) {
            LockSupport.unpark(writer);
        }
    }

    /**
     * The writer thread waits until an append is queued, a repair is wanted or the store closes.
     * No timeout: every one of those unparks it, and the flag is set before the conditions are
     * checked, so no wake-up is lost.
     */
    private void awaitWork() {
        writerParked.set(true);
        while (queue.isEmpty() && !closing && !repairWanted && failure == null) {
            LockSupport.park(this);
            writerParked.set(true);
        }
        writerParked.set(false);
    }

    private void writeLoop() {
        try {
            while (true) {
                if (failure != null) {
                    break;
                }
                if (repairWanted) {
                    writeLock.lock();
                    try {
                        repairWanted = false;
                        recover();
                    } finally {
                        writeLock.unlock();
                    }
                }
                AppendRequest request = queue.poll();
                if (request == null) {
                    if (closing) {
                        break;
                    }
                    awaitWork();
                    continue;
                }
                writeLock.lock();
                try {
                    writeGroup(request);
                } finally {
                    writeLock.unlock();
                }
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

    /** Under writeLock: writes {@code first} and whatever else is queued as one group, and hands it on. */
    private void writeGroup(AppendRequest first) throws InterruptedException {
        AppendRequest request = first;
        if (fault != null && !recover()) {
            refuse(List.of(request));
            return;
        }
        List<AppendRequest> group = new ArrayList<>();
        writeBuffer.clear();
        try {
            do {
                place(request, group);
            } while (writeBuffer.position() < MAX_GROUP_BYTES && (request = queue.poll()) != null);
            flushBuffer();
        } catch (IOException | UncheckedIOException e) {
            writeFailed(e instanceof UncheckedIOException unchecked ? unchecked.getCause() : (IOException) e,
                    group, request);
            return;
        }
        publishGroup(group);
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
        if (fault != null) {
            // a read of an unflushed record during the check of the next request (WriterView)
            throw new IOException("the log's storage failed", fault);
        }
        writeBuffer.flip();
        FileChannel channel = active.channel();
        long at = activeEnd - active.base();
        while (writeBuffer.hasRemaining()) {
            at += channel.write(writeBuffer, at);
        }
        activeEnd = active.base() + at;
        writeBuffer.clear();
        if (activeEnd > allocatedEnd) {
            allocatedEnd = activeEnd;
            preallocate();
        }
    }

    /**
     * The write just grew the file: fills the next {@code preallocateBytes} after it with zeros
     * (within the segment's size), so that the appends written there next overwrite blocks the
     * file has, and their fsyncs need not commit a new size. A failed fill (a full disk) is not a
     * fault: the log is whole without it, and the next write reports the disk's state for itself.
     */
    private void preallocate() {
        long target = Math.min(activeEnd + options.preallocateBytes(), active.base() + options.segmentBytes());
        if (!preallocating || target <= activeEnd) {
            return;
        }
        if (zeros == null) {
            zeros = ByteBuffer.allocateDirect(64 * 1024);
        }
        FileChannel channel = active.channel();
        try {
            while (allocatedEnd < target) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), target - allocatedEnd));
                while (zeros.hasRemaining()) {
                    allocatedEnd += channel.write(zeros, allocatedEnd - active.base());
                }
            }
        } catch (IOException e) {
            preallocating = false;
            LOG.log(System.Logger.Level.DEBUG, "filling the event log ahead with zeros failed; writing without: " + e);
        }
    }

    /** Cuts the zeros after the last record from the active segment's file (before it is sealed or closed). */
    private void trimPreallocation() throws IOException {
        if (allocatedEnd > activeEnd) {
            active.channel().truncate(activeEnd - active.base());
            allocatedEnd = activeEnd;
        }
    }

    private void roll() throws IOException {
        trimPreallocation();
        if (!force(active, true)) {
            throw new IOException("the log's storage failed", fault);
        }
        Path path = logDirectory.resolve(Segment.fileName(activeEnd));
        FileChannel channel = files.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Segment next = new Segment(activeEnd, path, channel);
        try {
            Directories.sync(logDirectory);
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(path); // or the next roll to this address finds it there
            throw e;
        }
        Segment[] current = segments;
        Segment[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = next;
        segments = grown;
        active = next;
        allocatedEnd = activeEnd;
        preallocating = true;
    }

    private void publishGroup(List<AppendRequest> group) throws InterruptedException {
        Visible now = new Visible(activeEnd, nextPosition - 1, lastRecordAddress);
        if (options.durability() == Durability.FSYNC) {
            inFlight.incrementAndGet();
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
                boolean durable;
                try {
                    durable = force(last.segment(), false);
                } catch (IOException e) {
                    durable = false;
                }
                int appends = 0;
                for (Group group : groups) {
                    appends += group.requests().size();
                }
                if (appends > 0) {
                    lastGroupAppends = appends; // before the acknowledgements wake their writers
                }
                for (Group group : groups) {
                    if (group.stop()) {
                        continue;
                    }
                    if (durable) {
                        acknowledge(group.requests(), group.visible());
                    } else if (!group.requests().isEmpty()) {
                        unsettled.addAll(group.requests());
                        repairWanted = true;
                        LockSupport.unpark(writer);
                    }
                    if (group.settled() != null) {
                        group.settled().countDown();
                    } else {
                        inFlight.decrementAndGet(); // after its acknowledgement: the fast path comes after it
                    }
                }
                groups.clear();
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
                if (group.settled() != null) {
                    group.settled().countDown();
                }
            }
            Group group;
            while ((group = written.poll()) != null) {
                for (AppendRequest request : group.requests()) {
                    request.future.completeExceptionally(closedError());
                }
                if (group.settled() != null) {
                    group.settled().countDown();
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
                force(segment, false);
            }
        } catch (IOException e) {
            // force has dealt with it
        }
    }

    // ------------------------------------------------------------------------------------------ disk faults

    /**
     * Forces a segment to disk; every fsync of the log goes through here, one at a time. Returns
     * false, without forcing, while the log is faulted. A failure faults the log (or, where it may
     * have lost acknowledged events, stops the store) before any other fsync can run and succeed.
     */
    private boolean force(Segment segment, boolean metadata) throws IOException {
        synchronized (forceLock) {
            if (fault != null) {
                return false;
            }
            try {
                segment.channel().force(metadata);
                return true;
            } catch (IOException e) {
                if (options.durability() == Durability.FSYNC) {
                    fault = e;
                    repairWanted = true;
                    LockSupport.unpark(writer);
                    LOG.log(System.Logger.Level.ERROR, "fsync of the event log in " + directory + " failed; appends"
                            + " not yet acknowledged fail, and the log is rolled back to the last acknowledged one", e);
                } else {
                    fail(new StorageUnavailable("an fsync of the event log in " + directory + " failed, so events"
                            + " acknowledged before it may not be on disk; the store stopped: reopen it", e));
                }
                throw e;
            }
        }
    }

    /** The writer's write (or roll) failed: fails the group and the request being placed, then repairs. */
    private void writeFailed(IOException e, List<AppendRequest> group, AppendRequest current) {
        synchronized (forceLock) {
            if (fault == null) {
                fault = e;
                LOG.log(System.Logger.Level.ERROR, "writing the event log in " + directory + " failed; appends not"
                        + " yet acknowledged fail, and the log is rolled back to the last acknowledged one", e);
            }
        }
        unsettled.addAll(group);
        if (current != null && !current.future.isDone() && !group.contains(current)) {
            unsettled.add(current);
        }
        recover();
    }

    /**
     * Under writeLock (the writer thread, a caller on the fast path, or close): rolls the index back
     * to the last acknowledged append (once per fault) and repairs the log on disk. True once the
     * log takes appends again.
     */
    private boolean recover() {
        Exception cause = fault;
        if (cause == null) {
            return true;
        }
        try {
            if (!rolledBack) {
                awaitSettled();
                rollBack();
                rolledBack = true;
            }
            synchronized (forceLock) {
                repair();
                fault = null;
            }
            rolledBack = false;
            LOG.log(System.Logger.Level.INFO, "the event log in " + directory + " is repaired and takes appends again"
                    + " (head position " + visible.head() + ")");
            return true;
        } catch (IOException | RuntimeException e) {
            synchronized (forceLock) {
                fault = e;
            }
            LOG.log(System.Logger.Level.WARNING, "the event log in " + directory + " cannot be repaired yet: " + e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            // refused only now, so that a refused append is already cut from the log when its caller hears of it
            AppendRequest request;
            while ((request = unsettled.poll()) != null) {
                request.future.completeExceptionally(unavailable(cause));
            }
        }
    }

    /** Waits until the syncer has acknowledged or refused every group written so far. */
    private void awaitSettled() throws InterruptedException {
        if (options.durability() != Durability.FSYNC || !syncer.isAlive()) {
            return;
        }
        CountDownLatch settled = new CountDownLatch(1);
        written.put(new Group(List.of(), active, visible, false, settled));
        while (!settled.await(100, TimeUnit.MILLISECONDS)) {
            if (!syncer.isAlive()) {
                return;
            }
        }
    }

    /** Forgets every record after the visible (acknowledged) end: in the index, the writer's state and the segments. */
    private void rollBack() {
        Visible at = visible;
        for (Iterator<Map.Entry<String, StreamEntry>> it = streams.entrySet().iterator(); it.hasNext(); ) {
            StreamEntry entry = it.next().getValue();
            int keep = entry.durableCount(at.end());
            if (keep == 0) {
                it.remove();
            } else {
                entry.truncate(keep);
            }
        }
        // the id set may keep hashes of forgotten events: it only filters, and a stream's own hashes decide
        positions.truncate(at.head());
        nextPosition = at.head() + 1;
        lastRecordAddress = at.lastRecordAddress();
        activeEnd = at.end();
        writeBuffer.clear();
        Segment[] all = segments;
        Segment last = segmentOf(at.end());
        int keep = Arrays.asList(all).indexOf(last) + 1;
        doomed.addAll(Arrays.asList(all).subList(keep, all.length));
        segments = Arrays.copyOf(all, keep);
        active = last;
    }

    /**
     * Cuts the log back to the visible end on disk, forces the cut (metadata too) and reads the
     * last acknowledged record back. Under forceLock; may fail, and is then tried again later.
     */
    private void repair() throws IOException {
        boolean deleted = false;
        for (Iterator<Segment> it = doomed.iterator(); it.hasNext(); ) {
            Segment segment = it.next();
            segment.channel().close();
            Files.deleteIfExists(segment.path());
            it.remove();
            deleted = true;
        }
        if (deleted) {
            Directories.sync(logDirectory);
        }
        active.channel().truncate(activeEnd - active.base());
        allocatedEnd = activeEnd;
        preallocating = true;
        active.channel().force(true);
        if (lastRecordAddress >= 0) {
            Segment segment = segmentOf(lastRecordAddress);
            int length = (int) (activeEnd - lastRecordAddress);
            ByteBuffer record = ByteBuffer.allocate(length);
            segment.readFully(record, lastRecordAddress - segment.base(), length);
            if (RecordFormat.frame(record, 0, length) != length || !RecordFormat.checksumMatches(record, 0, length,
                    new CRC32C()) || !RecordFormat.endOfBatch(record, 0)) {
                throw corrupt(lastRecordAddress, "the last acknowledged record does not read back whole after a"
                        + " failed write or fsync");
            }
        }
    }

    /** Fails appends that were not stored because the log's storage failed. */
    private void refuse(List<AppendRequest> requests) {
        for (AppendRequest request : requests) {
            request.future.completeExceptionally(unavailable(fault));
        }
    }

    private StorageUnavailable unavailable(Exception cause) {
        return new StorageUnavailable("the event store in " + directory + " cannot write to its disk (" + cause
                + "); the append was not stored; it is tried again with the next append", cause);
    }

    private void fail(Throwable e) {
        if (failure == null && !(e instanceof InterruptedException)) {
            failure = e instanceof StorageUnavailable unavailable ? unavailable
                    : new StoreClosedException("the event store in " + directory + " stopped after a failed write"
                    + " or fsync; reopen it to recover: " + e, e);
            LOG.log(System.Logger.Level.ERROR, "event store failed", e);
        }
        closing = true;
        LockSupport.unpark(writer);
        subscriptions.headAdvanced();
    }

    private EventStoreException closedError() {
        EventStoreException failed = failure;
        if (failed instanceof StorageUnavailable unavailable) {
            return new StorageUnavailable(unavailable.getMessage(), unavailable.getCause());
        }
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
        if (!force(active, false)) { // earlier segments were forced when the log rolled past them
            return; // the log is faulted; the next checkpoint after the repair covers this one
        }
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
                // not shutdownNow: an interrupt during force closes the channel (ClosedByInterruptException),
                // which stopped the store as a failed fsync and skipped the final force below
                intervalSync.shutdown();
                intervalSync.awaitTermination(10, TimeUnit.SECONDS);
            }
            checkpointer.shutdown();
            checkpointer.awaitTermination(60, TimeUnit.SECONDS);
            // a caller on the fast path may still be writing (it saw the store open): wait for it
            writeLock.lock();
            try {
                if (failure == null && recover()) {
                    trimPreallocation();
                    if (force(active, true)) {
                        writeCheckpoint();
                    }
                } else if (failure == null) {
                    LOG.log(System.Logger.Level.ERROR, "the event store in " + directory + " closes with its log"
                            + " unrepaired: records after address " + visible.end() + " were never acknowledged"
                            + " but may be found by the next open, as after a crash");
                }
            } finally {
                writeLock.unlock();
            }
            AppendRequest request;
            while ((request = unsettled.poll()) != null) {
                request.future.completeExceptionally(closedError());
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

    /** Appends that took the fast path (written, forced and acknowledged on the caller's thread); for tests. */
    long fastPathAppends() {
        return fastPathAppends;
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
