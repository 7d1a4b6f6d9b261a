package eventshop.eventstore.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import eventshop.eventstore.AppendResult;
import eventshop.eventstore.CorruptStoreException;
import eventshop.eventstore.DuplicateEventId;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.EventStoreException;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.Limits;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.Snapshot;
import eventshop.eventstore.StoreClosedException;
import eventshop.eventstore.WrongExpectedVersion;
import eventshop.eventstore.engine.AppendCheck;
import eventshop.eventstore.engine.CatchUpSubscription;
import eventshop.eventstore.engine.LogSource;
import eventshop.eventstore.engine.StreamView;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import reactor.core.publisher.Flux;

/**
 * The PostgreSQL engine: one service's log in one schema of a PostgreSQL database, with gapless
 * global positions that a subscriber can follow without ever skipping an event that commits late.
 *
 * <h2>Tables (schema {@code <schema>}, created by the Flyway migration {@code db/eventstore/postgres})</h2>
 * <pre>
 * events    (stream_id, version) unique, batch_id, position (NULL until sequenced, then unique),
 *           event_id, type, metadata (binary, see MetadataCodec), data (bytea)
 * streams   stream_id primary key, version: the row an append locks to check its expected version
 * log_head  one row: head, the last position assigned; its row lock is the sequencer's mutex
 * snapshots stream_id primary key, version, type, data
 * batch_ids a sequence (CACHE 1), one value per append
 * sequence_events(wait)  the sequencer, a PL/pgSQL function
 * </pre>
 *
 * <h2>Why not a sequence or bigserial for positions</h2>
 * A sequence value is drawn when a row is inserted, not when its transaction commits, and a
 * rolled-back transaction leaves a hole. Two appends drawing 10 and 11 may commit as 11 then 10:
 * a reader that has already read 11 and moved on never sees 10, and a reader cannot tell a hole
 * left by a rollback from a transaction that is still running. That is how well-known
 * PostgreSQL-backed event stores lose events for their subscribers.
 *
 * <h2>The technique: a commit-ordered sequencer</h2>
 * Positions are given in one place only, the schema's PL/pgSQL function {@code sequence_events()},
 * and only by a transaction holding the row lock on the single {@code log_head} row. Holding it, a
 * call gives <em>every</em> row that has no position yet and that its transaction can see (all
 * committed rows, plus the caller's own) the positions {@code head+1, head+2, ...} ordered by
 * (batch id, version), stores the new head and {@code NOTIFY}s it; all of that becomes visible when
 * the holder commits.
 * <ol>
 *   <li>An append runs in its own transaction: it locks its stream's row in {@code streams}
 *       ({@code SELECT ... FOR UPDATE}; a new stream's row is inserted, and a concurrent creator
 *       waits on its unique key), checks the expected version and retries with {@link AppendCheck},
 *       takes one batch id from {@code batch_ids} and inserts its rows with {@code position = NULL}.
 *       Rows without a position are invisible to every reader.</li>
 *   <li>Fast path (when no other append of this store is writing or waiting): still in that
 *       transaction, it calls {@code sequence_events(false)}, which takes the lock with
 *       {@code SKIP LOCKED}. If the lock was free, the append positions itself (and anything
 *       committed but unsequenced) and one commit stores, sequences and publishes it.</li>
 *   <li>Otherwise another transaction is sequencing: the append commits unsequenced, hands its
 *       batch id to the store's {@link Sequencer} thread and waits. The sequencer calls
 *       {@code sequence_events(true)} in autocommit, which waits for the lock and positions every
 *       writer that committed before it, so concurrent appends share sequencing transactions the
 *       way they share WAL flushes (natural batching). The append completes with its last
 *       event's position once a sequencing transaction that covers it has committed.</li>
 *   <li>Readers read only rows with a position, in position order.</li>
 * </ol>
 * Why no reader can skip: positions are assigned only by the holder of the {@code log_head} row
 * lock, always from {@code head+1} upwards, only to rows its own snapshot shows (taken after the
 * lock was granted, so every earlier holder's work has committed and is visible), and the new head
 * commits in the same transaction as the positions. So each sequencing transaction makes a
 * contiguous range visible all at once, ranges become visible in increasing order (a holder gets
 * the lock only after the previous one committed and became visible), and no row can ever be given
 * a position at or below a head that was already visible. A reader that has seen position {@code p}
 * has seen everything below {@code p}, and nothing new can appear there: the log is gapless and only
 * ever grows at its end. A rolled-back transaction takes its positions with it (nothing of it was
 * ever visible). A crash between an append's commit and its sequencing leaves rows that the next
 * sequencing call (of any process using the schema, or this store's next poll) positions, so the
 * unacknowledged append becomes visible later, and a retry with the same event ids is recognised
 * as such.
 *
 * <p>A batch's rows commit together, so one call positions all of them, consecutively. One
 * thread's appends are started in order (each waits for the previous one's transaction to end), and
 * an append that starts after another committed draws a larger batch id, so their positions keep
 * that order. Within one sequencing call, batches are ordered by batch id; they become visible in
 * the same instant. Appends to one stream are serialized by the stream row's lock, so a stream's
 * versions and positions grow together.
 *
 * <h2>Concurrency contract</h2>
 * Thread-safe; see {@link EventStore}. Any number of processes may open the same schema: the row
 * locks and the sequencing function keep the rules across them, and notifications (or polling)
 * tell every process's subscribers about every process's appends. Per store: appends run on
 * virtual threads with pooled connections (at most one transaction per append); one sequencer
 * thread with its own connection; one listener thread with its own connection
 * ({@code LISTEN eventstore_<schema>}); subscriptions drain on virtual threads
 * ({@link CatchUpSubscription}) reading pages of at most 512 events. New events wake
 * subscriptions directly after a local sequencing call, through the listener for other processes'
 * appends, and through polling every {@link PostgresEventStoreOptions#pollInterval()} as a
 * fallback when notifications are lost (listener connection broken, or LISTEN turned off).
 *
 * <h2>Durability</h2>
 * An append is acknowledged after the transaction that positioned it has committed, so it is exactly
 * as durable as the server's {@code fsync} and {@code synchronous_commit} settings make a commit
 * (keep both on). On the batched path the append's own transaction commits with
 * {@code synchronous_commit = off}: the sequencing transaction that positions it commits later,
 * synchronously, with its commit record after the append's in the WAL, so that one flush makes
 * both durable before the append is acknowledged or its rows become readable. If the connection
 * fails during an append's commit the outcome is unknown; retrying with the same event ids is safe.
 */
public final class PostgresEventStore implements EventStore, LogSource {

    private static final System.Logger LOG = System.getLogger(PostgresEventStore.class.getName());
    private static final int READ_PAGE = 1024;
    private static final int READ_AHEAD = 512;
    private static final long PAGE_BYTES = 4L * 1024 * 1024;
    private static final String UNIQUE_VIOLATION = "23505";
    private static final int MAX_NEW_STREAM_RACES = 100;
    /** Key of the head among the positions a fast-path append reads back (batch ids are never negative). */
    private static final long HEAD = -1;

    /** Test hook: SQL run inside each append's transaction just before its COMMIT, and a callback after it. */
    interface BeforeCommit {
        /** A statement that returns no rows, e.g. {@code DO $$ BEGIN PERFORM pg_sleep(0.01); END $$}. */
        String sql();

        /** Called once the append with this batch id has committed (sequenced or not). */
        void committed(long batchId);
    }

    private final DataSource dataSource;
    private final HikariDataSource ownedPool;
    private final PostgresEventStoreOptions options;
    private final Sql sql;
    private final Sequencer sequencer;
    private final NotificationListener listener;
    private final ExecutorService appendExecutor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("pg-eventstore-append-", 0).factory());
    private final ExecutorService subscriptionExecutor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("pg-eventstore-subscription-", 0).factory());
    private final CatchUpSubscription subscriptions = new CatchUpSubscription(this, subscriptionExecutor);
    private final ThreadLocal<CompletableFuture<Void>> lastStartedHere = new ThreadLocal<>();
    private final AtomicLong head = new AtomicLong(-1);
    private final AtomicReferenceArray<List<RecordedEvent>> readAhead = new AtomicReferenceArray<>(4);
    private final AtomicInteger nextReadAheadSlot = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger writing = new AtomicInteger();
    private volatile boolean closing;
    private volatile boolean closed;
    private volatile BeforeCommit beforeCommit;

    /**
     * Opens the store described by {@code options} (which must carry a JDBC URL), with a HikariCP
     * pool of its own that {@link #close()} closes. Creates and migrates the schema if needed.
     */
    public static PostgresEventStore open(PostgresEventStoreOptions options) {
        if (options == null || options.jdbcUrl() == null) {
            throw new InvalidRequest("options with a JDBC URL are required (PostgresEventStoreOptions.forUrl)");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(options.jdbcUrl());
        if (options.user() != null) {
            config.setUsername(options.user());
        }
        if (options.password() != null) {
            config.setPassword(options.password());
        }
        config.setPoolName("eventstore-" + options.schema());
        config.setMaximumPoolSize(options.maxPoolSize() + 2);
        config.setMinimumIdle(1);
        config.setAutoCommit(true);
        config.addDataSourceProperty("ApplicationName", "eventshop-eventstore");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        HikariDataSource pool = new HikariDataSource(config);
        try {
            return new PostgresEventStore(pool, pool, options);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * Opens a store over a data source the caller owns (and closes): {@link #close()} leaves it
     * open. The store keeps two of its connections for as long as it is open (sequencer, listener).
     * Creates and migrates the schema if needed; the URL, user and password of {@code options} are ignored.
     */
    public static PostgresEventStore open(DataSource dataSource, PostgresEventStoreOptions options) {
        if (dataSource == null || options == null) {
            throw new InvalidRequest("dataSource and options must not be null");
        }
        return new PostgresEventStore(dataSource, null, options);
    }

    /** Opens a store in {@code schema} of the database at {@code jdbcUrl}, with default options. */
    public static PostgresEventStore open(String jdbcUrl, String user, String password, String schema) {
        return open(PostgresEventStoreOptions.forUrl(jdbcUrl, user, password).withSchema(schema));
    }

    private PostgresEventStore(DataSource dataSource, HikariDataSource ownedPool, PostgresEventStoreOptions options) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.options = options;
        this.sql = new Sql(options.schema(), options.channel());
        migrate(dataSource, options.schema());
        long pollNanos = options.pollInterval().toNanos();
        this.sequencer = new Sequencer(dataSource, sql, pollNanos, new Sequencer.Listener() {
            @Override
            public void headAt(long committedHead) {
                advanceHead(committedHead);
            }

            @Override
            public void tick() {
                subscriptions.headAdvanced();
            }
        }, "pg-eventstore-sequencer-" + options.schema());
        try {
            sequencer.sequenceOnce();
        } catch (SQLException e) {
            throw new EventStoreException("cannot open the event store in schema " + options.schema() + ": " + e, e);
        }
        sequencer.start();
        if (options.listen()) {
            listener = new NotificationListener(dataSource, sql, pollNanos, this::advanceHead, sequencer::signal,
                    "pg-eventstore-listener-" + options.schema());
            listener.start();
        } else {
            listener = null;
        }
    }

    private static void migrate(DataSource dataSource, String schema) {
        try {
            Flyway.configure(PostgresEventStore.class.getClassLoader())
                    .dataSource(dataSource)
                    .schemas(schema)
                    .defaultSchema(schema)
                    .createSchemas(true)
                    .table("eventstore_schema_history")
                    .locations("classpath:db/eventstore/postgres")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            throw new EventStoreException("cannot migrate the event store schema " + schema + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------ append

    /**
     * Appends on the calling thread (no hand-off to an append thread), after any append this
     * thread started with {@link #appendAsync} has written, so the order of one thread's appends holds.
     */
    @Override
    public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
        Limits.checkAppend(streamId, expected, events);
        Batch batch = Batch.of(streamId, List.copyOf(events));
        inFlight.incrementAndGet();
        try {
            if (closing) {
                throw closedError();
            }
            CompletableFuture<Void> previous = lastStartedHere.get();
            if (previous != null) {
                previous.join();
                lastStartedHere.remove();
            }
            Written outcome = write(streamId, expected, batch);
            return outcome.done != null ? outcome.done
                    : new AppendResult(outcome.pending.lastVersion, awaitPosition(outcome.pending));
        } catch (EventStoreException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreException("interrupted while appending to '" + streamId + "'", e);
        } catch (SQLException | RuntimeException e) {
            throw new EventStoreException("append to '" + streamId + "' failed: " + e, e);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(String streamId, ExpectedVersion expected,
                                                       List<EventData> events) {
        Limits.checkAppend(streamId, expected, events);
        Batch batch = Batch.of(streamId, List.copyOf(events));
        inFlight.incrementAndGet();
        if (closing) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(closedError());
        }
        CompletableFuture<AppendResult> result = new CompletableFuture<>();
        CompletableFuture<Void> written = new CompletableFuture<>();
        CompletableFuture<Void> previous = lastStartedHere.get();
        lastStartedHere.set(written);
        Runnable task = () -> runAppend(streamId, expected, batch, written, result);
        if (previous == null || previous.isDone()) {
            start(task, written, result);
        } else {
            previous.whenComplete((ignored, failure) -> start(task, written, result));
        }
        return result;
    }

    private void start(Runnable task, CompletableFuture<Void> written, CompletableFuture<AppendResult> result) {
        try {
            appendExecutor.execute(task);
        } catch (RejectedExecutionException e) {
            written.complete(null);
            inFlight.decrementAndGet();
            result.completeExceptionally(closedError());
        }
    }

    private void runAppend(String streamId, ExpectedVersion expected, Batch batch, CompletableFuture<Void> written,
                           CompletableFuture<AppendResult> result) {
        try {
            Written outcome;
            try {
                outcome = write(streamId, expected, batch);
            } finally {
                written.complete(null);
            }
            AppendResult appended = outcome.done != null ? outcome.done
                    : new AppendResult(outcome.pending.lastVersion, awaitPosition(outcome.pending));
            result.complete(appended);
        } catch (Throwable failure) {
            result.completeExceptionally(failure instanceof EventStoreException ? failure
                    : new EventStoreException("append to '" + streamId + "' failed: " + failure, failure));
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private long awaitPosition(Sequencer.Pending pending) throws InterruptedException {
        try {
            return sequencer.await(pending).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new EventStoreException("sequencing failed: " + e.getCause(), e.getCause());
        }
    }

    /** An append's transaction ended: either answered already, or committed and waiting for positions. */
    private record Written(AppendResult done, Sequencer.Pending pending) {
    }

    /** A batch encoded for the database. */
    private record Batch(String storedStreamId, List<EventData> events, UUID[] ids, String[] types,
                         byte[][] metadata, byte[][] data) {

        static Batch of(String streamId, List<EventData> events) {
            int n = events.size();
            UUID[] ids = new UUID[n];
            String[] types = new String[n];
            byte[][] metadata = new byte[n][];
            byte[][] data = new byte[n][];
            for (int i = 0; i < n; i++) {
                EventData event = events.get(i);
                ids[i] = event.eventId();
                types[i] = Texts.encode(event.type());
                metadata[i] = MetadataCodec.encode(event.metadata());
                data[i] = event.data();
            }
            return new Batch(Texts.encode(streamId), events, ids, types, metadata, data);
        }
    }

    private Written write(String streamId, ExpectedVersion expected, Batch batch) throws SQLException {
        writing.incrementAndGet();
        try {
            return writeTransaction(streamId, expected, batch);
        } finally {
            writing.decrementAndGet();
        }
    }

    private Written writeTransaction(String streamId, ExpectedVersion expected, Batch batch) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    Written written = writeOnce(c, streamId, expected, batch);
                    if (written != null) {
                        return written;
                    }
                    c.rollback();
                    if (attempt >= MAX_NEW_STREAM_RACES) {
                        throw new EventStoreException("stream '" + streamId + "' could not be created after "
                                + attempt + " attempts");
                    }
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(c);
                    if (e instanceof SQLException sqlError && UNIQUE_VIOLATION.equals(sqlError.getSQLState())) {
                        throw new WrongExpectedVersion(streamId, expected, currentVersion(batch.storedStreamId()));
                    }
                    throw e;
                } finally {
                    restoreAutoCommit(c);
                }
            }
        }
    }

    /** One attempt; null if a concurrent append created the stream first (try again). */
    private Written writeOnce(Connection c, String streamId, ExpectedVersion expected, Batch batch)
            throws SQLException {
        long current = ExpectedVersion.NO_STREAM_VERSION;
        Map<UUID, Long> known = new HashMap<>();
        Array ids = c.createArrayOf("uuid", batch.ids());
        try (PreparedStatement lock = c.prepareStatement(sql.lockStream)) {
            lock.setArray(1, ids);
            lock.setString(2, batch.storedStreamId());
            try (ResultSet rows = lock.executeQuery()) {
                while (rows.next()) {
                    current = rows.getLong(1);
                    UUID id = rows.getObject(2, UUID.class);
                    if (id != null) {
                        known.put(id, rows.getLong(3));
                    }
                }
            }
        }
        AppendResult retried = AppendCheck.check(streamId, expected, batch.events(),
                new StoredStream(c, streamId, batch.storedStreamId(), current, known, batch.events().size()));
        if (retried != null) {
            c.commit();
            if (retried.position() >= 0) {
                return new Written(retried, null);
            }
            return new Written(null, new Sequencer.Pending(-1, batch.storedStreamId(), retried.streamVersion()));
        }
        // Fast path only when this store has no other append writing or waiting: under
        // contention the lock is left to the sequencer, which positions everyone in one
        // transaction, instead of being taken here for one append per commit.
        boolean fastPath = writing.get() == 1 && !sequencer.busy();
        BeforeCommit hook = beforeCommit;
        String commitSql = (hook == null ? "" : hook.sql() + "; ")
                + (fastPath ? sql.sequenceIfFreeAndCommit : sql.commitUnsequenced);
        int n = batch.events().size();
        long lastVersion = current + n;
        long batchId = -1;
        Map<Long, Long> positioned = new HashMap<>();
        // One round trip: insert, (test hook,) sequencing if free, COMMIT. The driver sends all
        // of them before reading any answer; if one fails, the server skips the rest (no COMMIT)
        // and the caller rolls back.
        try (PreparedStatement statement = c.prepareStatement(
                (current < 0 ? sql.appendToNewStream : sql.appendToStream) + "; " + commitSql)) {
            statement.setLong(1, lastVersion);
            statement.setString(2, batch.storedStreamId());
            statement.setString(3, batch.storedStreamId());
            statement.setLong(4, current);
            statement.setArray(5, ids);
            statement.setArray(6, c.createArrayOf("text", batch.types()));
            statement.setArray(7, c.createArrayOf("bytea", batch.metadata()));
            statement.setArray(8, c.createArrayOf("bytea", batch.data()));
            boolean resultSet = statement.execute();
            int resultSets = 0;
            while (resultSet || statement.getUpdateCount() != -1) {
                if (resultSet) {
                    try (ResultSet rows = statement.getResultSet()) {
                        if (resultSets == 0) {
                            batchId = rows.next() ? rows.getLong(1) : -1;
                        } else {
                            while (rows.next()) {
                                long positionedBatch = rows.getLong(1);
                                positioned.put(rows.wasNull() ? HEAD : positionedBatch, rows.getLong(2));
                            }
                        }
                    }
                    resultSets++;
                }
                resultSet = statement.getMoreResults();
            }
        }
        c.commit(); // a no-op for the driver now (the transaction has ended), but states the intent
        if (batchId < 0) {
            return null; // a concurrent append created the stream first: nothing was inserted
        }
        if (hook != null) {
            hook.committed(batchId);
        }
        Long position = positioned.get(batchId);
        if (position == null) {
            return new Written(null, new Sequencer.Pending(batchId, batch.storedStreamId(), lastVersion));
        }
        advanceHead(positioned.get(HEAD));
        if (positioned.size() > 2) {
            sequencer.positionedElsewhere(positioned);
        }
        return new Written(new AppendResult(lastVersion, position), null);
    }

    /**
     * The stream as an append sees it inside its transaction, for {@link AppendCheck}. Stored events
     * are needed only for a retry; they are read in one query, with their batch ids, the first time.
     */
    private final class StoredStream implements StreamView {
        private final Connection connection;
        private final String streamId;
        private final String storedStreamId;
        private final long version;
        private final Map<UUID, Long> known;
        private final int batchSize;
        private final Map<Long, RecordedEvent> events = new HashMap<>();
        private final Map<Long, Long> batchIds = new HashMap<>();

        StoredStream(Connection connection, String streamId, String storedStreamId, long version,
                     Map<UUID, Long> known, int batchSize) {
            this.connection = connection;
            this.streamId = streamId;
            this.storedStreamId = storedStreamId;
            this.version = version;
            this.known = known;
            this.batchSize = batchSize;
        }

        @Override
        public long version() {
            return version;
        }

        @Override
        public long versionOf(UUID eventId) {
            return known.getOrDefault(eventId, -1L);
        }

        /** The stored event; its position is -1 if it is not sequenced yet. */
        @Override
        public RecordedEvent eventAt(long at) {
            ensureLoaded(at);
            RecordedEvent event = events.get(at);
            if (event == null) {
                throw new CorruptStoreException("stream '" + streamId + "' has no event at version " + at
                        + " below its version " + version);
            }
            return event;
        }

        /** Whether the event at {@code at} is the last of its append: the next one has another batch id. */
        @Override
        public boolean endsBatch(long at) {
            if (at >= version) {
                return true;
            }
            ensureLoaded(at);
            ensureLoaded(at + 1);
            Long batchId = batchIds.get(at);
            return batchId == null || !batchId.equals(batchIds.get(at + 1));
        }

        private void ensureLoaded(long at) {
            if (!batchIds.containsKey(at)) {
                load(Math.max(0, at - 1), Math.min(version, at + batchSize + 1));
            }
        }

        private void load(long from, long to) {
            try (PreparedStatement statement = connection.prepareStatement(sql.eventsAround)) {
                statement.setString(1, storedStreamId);
                statement.setLong(2, from);
                statement.setLong(3, to);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        RecordedEvent event = decode(rows);
                        events.put(event.version(), event);
                        batchIds.put(event.version(), rows.getLong(8));
                    }
                }
            } catch (SQLException e) {
                throw new EventStoreException("reading '" + streamId + "' at versions " + from + ".." + to
                        + " failed: " + e, e);
            }
        }
    }

    private long currentVersion(String storedStreamId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement statement = c.prepareStatement(sql.streamVersionForUpdate)) {
            statement.setString(1, storedStreamId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getLong(1) : ExpectedVersion.NO_STREAM_VERSION;
            }
        } catch (SQLException e) {
            throw new EventStoreException("reading a stream's version failed: " + e, e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.DEBUG, "rollback failed", e);
        }
    }

    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.DEBUG, "restoring autocommit failed", e);
        }
    }

    // ------------------------------------------------------------------------------------------ reads

    @Override
    public Flux<RecordedEvent> read(String streamId, long fromVersion) {
        Limits.checkStreamId(streamId);
        Limits.checkVersion(fromVersion);
        String stored = Texts.encode(streamId);
        return paged(fromVersion, Long.MAX_VALUE, (from, max) -> query(sql.readStream, statement -> {
            statement.setString(1, stored);
            statement.setLong(2, from);
            statement.setInt(3, max);
            statement.setLong(4, PAGE_BYTES);
        }, -1), RecordedEvent::version);
    }

    @Override
    public Flux<RecordedEvent> readAll(long fromPosition, int limit) {
        Limits.checkReadAll(fromPosition, limit);
        return paged(fromPosition, limit, (from, max) -> readPositions(from, Long.MAX_VALUE, max), RecordedEvent::position);
    }

    @Override
    public Flux<RecordedEvent> subscribe(long fromPosition) {
        Limits.checkPosition(fromPosition);
        return subscriptions.subscribe(fromPosition);
    }

    @FunctionalInterface
    private interface Page {
        List<RecordedEvent> read(long from, int max);
    }

    @FunctionalInterface
    private interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    private interface Key {
        long of(RecordedEvent event);
    }

    /**
     * A finite Flux that reads one page (at most {@value #READ_PAGE} events and about
     * {@value #PAGE_BYTES} bytes) at a time, only as the subscriber requests.
     */
    private Flux<RecordedEvent> paged(long start, long limit, Page page, Key key) {
        return Flux.<List<RecordedEvent>, long[]>generate(() -> new long[] {start, limit}, (state, sink) -> {
            long from = state[0];
            long left = state[1];
            if (left <= 0) {
                sink.complete();
                return state;
            }
            List<RecordedEvent> events = page.read(from, (int) Math.min(READ_PAGE, left));
            if (events.isEmpty()) {
                sink.complete();
                return state;
            }
            state[0] = key.of(events.getLast()) + 1;
            state[1] = left - events.size();
            sink.next(events);
            return state;
        }).flatMapIterable(events -> events, 1);
    }

    /**
     * For subscriptions: events from {@code fromPosition}, at most {@code max}, none above the
     * visible head. Served from the read-ahead pages when they hold it; otherwise reads a page of
     * up to {@value #READ_AHEAD} small events (so that a subscriber requesting one event at a time
     * does not cost a query per event) and keeps it. Positions at or below the head never change,
     * so a kept page is never stale.
     */
    @Override
    public List<RecordedEvent> readBatch(long fromPosition, int max) {
        long until = Math.min(head.get() + 1, fromPosition + max);
        if (until <= fromPosition) {
            return List.of();
        }
        int wanted = (int) (until - fromPosition);
        for (int i = 0; i < readAhead.length(); i++) {
            List<RecordedEvent> page = readAhead.get(i);
            if (page != null) {
                long first = page.getFirst().position();
                if (fromPosition >= first && fromPosition < first + page.size()) {
                    int offset = (int) (fromPosition - first);
                    return page.subList(offset, Math.min(page.size(), offset + wanted));
                }
            }
        }
        long aheadUntil = Math.min(head.get() + 1, fromPosition + Math.max(wanted, READ_AHEAD));
        List<RecordedEvent> page = readPositions(fromPosition, aheadUntil, (int) (aheadUntil - fromPosition));
        if (page.size() > wanted) {
            readAhead.set(Math.floorMod(nextReadAheadSlot.getAndIncrement(), readAhead.length()), List.copyOf(page));
            return page.subList(0, wanted);
        }
        return page;
    }

    private List<RecordedEvent> readPositions(long from, long until, int max) {
        return query(sql.readPositions, statement -> {
            statement.setLong(1, from);
            statement.setLong(2, until);
            statement.setInt(3, max);
            statement.setLong(4, PAGE_BYTES);
        }, from);
    }

    /**
     * Runs a read; with {@code firstPosition >= 0} also checks that the rows are that position and
     * the ones right after it (the log is gapless, so anything else is a broken store, not a skip).
     */
    private List<RecordedEvent> query(String statementSql, Parameters parameters, long firstPosition) {
        try {
            return queryOnce(statementSql, parameters, firstPosition);
        } catch (EventStoreException e) {
            if (closed || !(e.getCause() instanceof SQLException sqlError) || !isConnectionFailure(sqlError)) {
                throw e;
            }
            // A pooled connection the server had dropped: reads are idempotent, try once more.
            LOG.log(System.Logger.Level.DEBUG, "read failed on a broken connection; retrying once", e);
            return queryOnce(statementSql, parameters, firstPosition);
        }
    }

    /** Connection-level failures (SQL state class 08, or the server shutting the session down). */
    private static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    private List<RecordedEvent> queryOnce(String statementSql, Parameters parameters, long firstPosition) {
        ensureOpen();
        try (Connection c = dataSource.getConnection();
             PreparedStatement statement = c.prepareStatement(statementSql)) {
            parameters.set(statement);
            List<RecordedEvent> events = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    RecordedEvent event = decode(rows);
                    if (firstPosition >= 0 && event.position() != firstPosition + events.size()) {
                        throw new CorruptStoreException("expected position " + (firstPosition + events.size())
                                + " but read " + event.position() + ": the log has a gap");
                    }
                    events.add(event);
                }
            }
            return events;
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    private static RecordedEvent decode(ResultSet row) throws SQLException {
        long position = row.getLong(3);
        if (row.wasNull()) {
            position = -1;
        }
        return new RecordedEvent(row.getObject(4, UUID.class), Texts.decode(row.getString(1)), row.getLong(2),
                position, Texts.decode(row.getString(5)), row.getBytes(7), MetadataCodec.decode(row.getBytes(6)));
    }

    @Override
    public long visibleHead() {
        return head.get();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public long streamVersion(String streamId) {
        Limits.checkStreamId(streamId);
        ensureOpen();
        try (Connection c = dataSource.getConnection();
             PreparedStatement statement = c.prepareStatement(sql.streamVersion)) {
            statement.setString(1, Texts.encode(streamId));
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getLong(1) : ExpectedVersion.NO_STREAM_VERSION;
            }
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    @Override
    public long headPosition() {
        ensureOpen();
        try (Connection c = dataSource.getConnection();
             PreparedStatement statement = c.prepareStatement(sql.head);
             ResultSet row = statement.executeQuery()) {
            row.next();
            advanceHead(row.getLong(1));
            return head.get();
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    /** Raises the visible head to {@code committedHead} (a head some sequencer committed) and wakes subscribers. */
    private void advanceHead(long committedHead) {
        long before = head.getAndAccumulate(committedHead, Math::max);
        if (committedHead > before) {
            subscriptions.headAdvanced();
        }
    }

    // ------------------------------------------------------------------------------------------ snapshots

    @Override
    public void saveSnapshot(Snapshot snapshot) {
        ensureOpen();
        Limits.checkSnapshot(snapshot, this::streamVersion);
        try (Connection c = dataSource.getConnection();
             PreparedStatement statement = c.prepareStatement(sql.saveSnapshot)) {
            statement.setString(1, Texts.encode(snapshot.streamId()));
            statement.setLong(2, snapshot.version());
            statement.setString(3, Texts.encode(snapshot.type()));
            statement.setBytes(4, snapshot.data());
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new EventStoreException("saving the snapshot of '" + snapshot.streamId() + "' failed: " + e, e);
        }
    }

    @Override
    public Optional<Snapshot> loadSnapshot(String streamId) {
        Limits.checkStreamId(streamId);
        ensureOpen();
        try (Connection c = dataSource.getConnection();
             PreparedStatement statement = c.prepareStatement(sql.loadSnapshot)) {
            statement.setString(1, Texts.encode(streamId));
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Snapshot(streamId, row.getLong(1), Texts.decode(row.getString(2)),
                        row.getBytes(3)));
            }
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    /** The schema this store's log lives in. */
    public String schema() {
        return options.schema();
    }

    /** The options this store was opened with. */
    public PostgresEventStoreOptions options() {
        return options;
    }

    /** Installs a hook run inside every append transaction just before its COMMIT (tests only). */
    void beforeCommit(BeforeCommit hook) {
        this.beforeCommit = hook;
    }

    /** The server pid of the LISTEN connection, or 0 if not connected (tests only). */
    int listenerBackendPid() {
        return listener == null ? 0 : listener.backendPid();
    }

    /** How many sequencing calls this store has made (tests only). */
    long sequencerRuns() {
        return sequencer.runs();
    }

    private void ensureOpen() {
        if (closed) {
            throw closedError();
        }
    }

    private StoreClosedException closedError() {
        return new StoreClosedException("the event store in schema " + options.schema() + " is closed");
    }

    private EventStoreException readFailure(SQLException e) {
        if (closed) {
            return new StoreClosedException("the event store in schema " + options.schema() + " is closed", e);
        }
        return new EventStoreException("reading the event store in schema " + options.schema() + " failed: " + e, e);
    }

    /**
     * Stops accepting appends, waits (up to 30 s) for appends in flight to be answered, stops the
     * sequencer and the listener, ends subscriptions once they have caught up, and closes the pool
     * if the store created it.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                sequencer.signal();
                Thread.sleep(1);
            }
            sequencer.stop(closedError());
            if (listener != null) {
                listener.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed = true;
            subscriptions.headAdvanced();
            appendExecutor.shutdown();
            subscriptionExecutor.shutdown();
            try {
                subscriptionExecutor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (ownedPool != null) {
                ownedPool.close();
            }
        }
    }

    @Override
    public String toString() {
        return "PostgresEventStore[schema=" + options.schema() + ", head=" + head.get() + "]";
    }
}
