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
import eventshop.eventstore.StorageUnavailable;
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
import java.sql.Statement;
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
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.PGStatement;
import reactor.core.publisher.Flux;

/**
 * The PostgreSQL engine: one service's log in one schema of a PostgreSQL database, with gapless
 * global positions that a subscriber can follow without ever skipping an event that commits late.
 *
 * <h2>Tables (schema {@code <schema>}, created by the Flyway migration {@code db/eventstore/postgres})</h2>
 * <pre>
 * events    (stream_id, version) unique, batch_id, position (unique; NULL only for rows a writer
 *           committed without one, see below), event_id, type, metadata (binary, see MetadataCodec), data (bytea)
 * streams   stream_id primary key, version: the last version written
 * log_head  one row: head, the last position given; its row lock is the writers' mutex
 * snapshots stream_id primary key, version, type, data
 * batch_ids a sequence (CACHE 1), one value per append
 * sequence_events(wait)  positions rows left without a position, a PL/pgSQL function
 * </pre>
 *
 * <h2>Why not a sequence or bigserial for positions</h2>
 * A sequence value is drawn when a row is inserted, not when its transaction commits, and a
 * rolled-back transaction leaves a hole. Two appends drawing 10 and 11 may commit as 11 then 10:
 * a reader that has already read 11 and moved on never sees 10, and a reader cannot tell a hole
 * left by a rollback from a transaction that is still running. That is how well-known
 * PostgreSQL-backed event stores lose events for their subscribers.
 *
 * <h2>The technique: positions given under the head's lock, with group commit</h2>
 * Every writing transaction first takes the row lock on the single {@code log_head} row
 * ({@code SELECT ... FOR UPDATE}, waiting), and only then reads the streams' versions, checks the
 * appends ({@link AppendCheck}), inserts their rows with positions {@code head+1, head+2, ...},
 * stores the new head, {@code NOTIFY}s it and commits. The lock is held until the commit, so the
 * rows, their positions and the new head become visible in one instant, and the next writer gets
 * the lock only after that: each transaction makes a contiguous range visible all at once, ranges
 * become visible in increasing order, and no row can be given a position at or below a head that
 * was already visible. A reader that has seen position {@code p} has seen everything below
 * {@code p}, and nothing new can appear there: the log is gapless and only ever grows at its end.
 * A rolled-back transaction takes its positions with it (nothing of it was ever visible). Readers
 * read only rows with a position, in position order.
 *
 * <p>Holding one lock through each commit would allow one commit (one WAL flush) at a time, so the
 * store writes in groups: appends queue at its {@link Committer}, whose thread writes all that
 * queued while the previous group committed in one transaction. Concurrent writers thus share
 * transactions and flushes, the way PostgreSQL's own group commit lets concurrent commits share a
 * flush. A writer that finds the committer idle (nothing queued, nothing being written, the last
 * write a lone append) writes its own group of one on its own thread with the committer's
 * connection, under the lock the committer writes under, without a hand-off; see {@link Committer}.
 * Appends are written in the order they were made (a group holds at most one append per
 * stream and is a prefix of the queue), so one thread's appends keep their order; an append that
 * fails its check fails alone. In the common case (every expected version holds, no event id of
 * the group is stored yet) a group is one round trip: the schema's {@code append_group} function
 * does all of the above, then {@code COMMIT}. Otherwise that function refuses and writes nothing,
 * and the group takes two round trips (lock and read; write and commit) with the checks made here.
 *
 * <p>Rows committed without a position (by a writer that crashed between its commit and its
 * sequencing under the engine's earlier design, or by any writer that does not take the lock) are
 * invisible to readers until {@code sequence_events()} positions them, in (batch id, version)
 * order: each group does so first when it finds any, and the {@link Sequencer} thread checks every
 * poll interval. Because that function too runs only under the head's lock, the argument above holds
 * for them, whatever order their transactions committed in.
 *
 * <h2>Concurrency contract</h2>
 * Thread-safe; see {@link EventStore}. Any number of processes may open the same schema: all their
 * writers take the same lock (processes take turns, one group each), and notifications (or polling)
 * tell every process's subscribers about every process's appends. Per store: one committing thread
 * with its own connection; one sequencer thread with its own connection (rows left without a
 * position, poll ticks); one listener thread with its own connection ({@code LISTEN
 * eventstore_<schema>}); subscriptions drain on virtual threads ({@link CatchUpSubscription})
 * reading pages of at most 2,048 events (the next one read in the background while a subscriber
 * catching up takes in the current one). New events wake subscriptions directly after a local commit,
 * through the listener for other processes' appends, and through polling every
 * {@link PostgresEventStoreOptions#pollInterval()} as a fallback when notifications are lost
 * (listener connection broken, or LISTEN turned off).
 *
 * <h2>Durability</h2>
 * An append is acknowledged after the transaction that wrote and positioned it has committed, so it
 * is exactly as durable as the server's {@code fsync} and {@code synchronous_commit} settings make a
 * commit (keep both on). If the connection fails during a commit the outcome is unknown; retrying
 * with the same event ids is safe.
 */
public final class PostgresEventStore implements EventStore, LogSource {

    private static final System.Logger LOG = System.getLogger(PostgresEventStore.class.getName());
    private static final int READ_PAGE = 1024;
    /**
     * Events a subscription's read brings in at once when it is behind (then kept for the next
     * reads, and the next page read in the background meanwhile). Measured over 200,000 events
     * (WritePathProfile): 512 per page 215k events/s, 2,048 396k/s, 8,192 234k/s (larger pages held
     * in the cache cost the young collections more than the fewer queries save).
     */
    private static final int READ_AHEAD = 2048;
    /** SQLSTATE of append_group when a group needs the general path. */
    private static final String NOT_SIMPLE = "ES001";
    private static final long PAGE_BYTES = 4L * 1024 * 1024;
    private static final int FETCH_ROWS = 1024;

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
    private final Committer committer;
    private final NotificationListener listener;
    private final ExecutorService subscriptionExecutor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("pg-eventstore-subscription-", 0).factory());
    private final CatchUpSubscription subscriptions = new CatchUpSubscription(this, subscriptionExecutor);
    private final AtomicLong head = new AtomicLong(-1);
    private final AtomicReferenceArray<List<RecordedEvent>> readAhead = new AtomicReferenceArray<>(4);
    private final AtomicInteger nextReadAheadSlot = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;
    private volatile boolean closed;
    private volatile BeforeCommit beforeCommit;
    private volatile int readAheadEvents = READ_AHEAD;
    private volatile Prefetch prefetch;
    private volatile boolean binaryReads = true;

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
        this.committer = new Committer(dataSource, this::commitGroup, "pg-eventstore-committer-" + options.schema());
        committer.start();
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
     * Appends and waits for the answer. A lone writer (nothing queued at the {@link Committer}, no
     * group being written, and the last write found nobody waiting) writes its append on this thread
     * with the committer's connection; otherwise it joins the committer's queue (group commit).
     * Appends are written in the order they are made, so the order of one thread's appends holds,
     * also after {@link #appendAsync} calls of the same thread.
     */
    @Override
    public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
        Committer.Request request = request(streamId, expected, events);
        if (!request.result.isDone() && !committer.writeAlone(request)) {
            committer.submit(request);
        }
        try {
            return request.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreException("interrupted while appending to '" + streamId + "'", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof EventStoreException error) {
                throw error;
            }
            throw new EventStoreException("append to '" + streamId + "' failed: " + cause, cause);
        }
    }

    /**
     * Queues the append at the {@link Committer} and answers at once: it is written with the next
     * group, never on the calling thread (which may be one that must not block).
     */
    @Override
    public CompletableFuture<AppendResult> appendAsync(String streamId, ExpectedVersion expected,
                                                       List<EventData> events) {
        Committer.Request request = request(streamId, expected, events);
        if (!request.result.isDone()) {
            committer.submit(request);
        }
        return request.result;
    }

    /** A checked, encoded append counted in flight; its result is already failed if the store is closing. */
    private Committer.Request request(String streamId, ExpectedVersion expected, List<EventData> events) {
        Limits.checkAppend(streamId, expected, events);
        Batch batch = Batch.of(streamId, List.copyOf(events));
        Committer.Request request = new Committer.Request(streamId, expected, batch);
        inFlight.incrementAndGet();
        if (closing) {
            inFlight.decrementAndGet();
            request.result.completeExceptionally(closedError());
            return request;
        }
        request.result.whenComplete((ignored, failure) -> inFlight.decrementAndGet());
        return request;
    }

    /** A batch encoded for the database. */
    record Batch(String storedStreamId, List<EventData> events, UUID[] ids, String[] types,
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

    /**
     * Writes one group of appends in one transaction (the {@link Committer}'s work), in two round
     * trips. First: lock the log head (waiting), position any committed rows left without a
     * position, draw one batch id per append, and read the streams' versions and which of the
     * group's event ids they already hold. Then, after checking each append ({@link AppendCheck}):
     * insert the rows of the appends that pass, with their positions, set the streams' versions and
     * the new head, notify, and commit. An append that fails its check fails alone.
     */
    private void commitGroup(Connection c, List<Committer.Request> group) throws SQLException {
        if (!appendGroupInOneRoundTrip(c, group)) {
            commitGroupChecked(c, group);
        }
    }

    /**
     * The common case in one round trip: the schema's {@code append_group} function locks the head,
     * and writes the whole group if every append can simply be appended (expected versions hold, no
     * event id stored yet), then {@code COMMIT}. Answers false, having rolled back, if it cannot
     * (SQLSTATE {@value #NOT_SIMPLE}): then {@link #commitGroupChecked} sorts the group out.
     */
    private boolean appendGroupInOneRoundTrip(Connection c, List<Committer.Request> group) throws SQLException {
        int n = group.size();
        int rows = 0;
        for (Committer.Request request : group) {
            rows += request.batch.events().size();
        }
        String[] streams = new String[n];
        Long[] expected = new Long[n];
        Integer[] counts = new Integer[n];
        Integer[] appends = new Integer[rows];
        Integer[] offsets = new Integer[rows];
        UUID[] ids = new UUID[rows];
        String[] types = new String[rows];
        byte[][] metadata = new byte[rows][];
        byte[][] data = new byte[rows][];
        int r = 0;
        for (int i = 0; i < n; i++) {
            Committer.Request request = group.get(i);
            Batch batch = request.batch;
            streams[i] = batch.storedStreamId();
            expected[i] = switch (request.expected) {
                case ExpectedVersion.Any any -> -2L;
                case ExpectedVersion.NoStream noStream -> ExpectedVersion.NO_STREAM_VERSION;
                case ExpectedVersion.Exactly exactly -> exactly.version();
            };
            int size = batch.events().size();
            counts[i] = size;
            for (int e = 0; e < size; e++, r++) {
                appends[r] = i + 1;
                offsets[r] = e + 1;
                ids[r] = batch.ids()[e];
                types[r] = batch.types()[e];
                metadata[r] = batch.metadata()[e];
                data[r] = batch.data()[e];
            }
        }
        BeforeCommit hook = beforeCommit;
        AppendResult[] results = new AppendResult[n];
        long[] batchIds = new long[n];
        try (PreparedStatement statement = c.prepareStatement(sql.appendGroup + "; "
                + (hook == null ? "" : hook.sql() + "; ") + "COMMIT")) {
            statement.setArray(1, c.createArrayOf("text", streams));
            statement.setArray(2, c.createArrayOf("bigint", expected));
            statement.setArray(3, c.createArrayOf("integer", counts));
            statement.setArray(4, c.createArrayOf("integer", appends));
            statement.setArray(5, c.createArrayOf("integer", offsets));
            statement.setArray(6, c.createArrayOf("uuid", ids));
            statement.setArray(7, c.createArrayOf("text", types));
            statement.setArray(8, c.createArrayOf("bytea", metadata));
            statement.setArray(9, c.createArrayOf("bytea", data));
            boolean resultSet = statement.execute();
            boolean first = true;
            while (resultSet || statement.getUpdateCount() != -1) {
                if (resultSet && first) {
                    try (ResultSet answer = statement.getResultSet()) {
                        int i = 0;
                        while (answer.next()) {
                            results[i] = new AppendResult(answer.getLong(1), answer.getLong(2));
                            batchIds[i++] = answer.getLong(3);
                        }
                    }
                    first = false;
                }
                resultSet = statement.getMoreResults();
            }
        } catch (SQLException e) {
            if (NOT_SIMPLE.equals(e.getSQLState())) {
                c.rollback();
                return false;
            }
            throw e;
        }
        c.commit(); // a no-op for the driver now (the transaction has ended), but states the intent
        advanceHead(results[n - 1].position());
        for (int i = 0; i < n; i++) {
            if (hook != null) {
                hook.committed(batchIds[i]);
            }
            group.get(i).result.complete(results[i]);
        }
        return true;
    }

    /** The general path: lock and read, check each append in Java, write what passes, commit. */
    private void commitGroupChecked(Connection c, List<Committer.Request> group) throws SQLException {
        int n = group.size();
        String[] streams = new String[n];
        int idCount = 0;
        for (int i = 0; i < n; i++) {
            streams[i] = group.get(i).storedStreamId;
            idCount += group.get(i).batch.ids().length;
        }
        UUID[] allIds = new UUID[idCount];
        int k = 0;
        for (Committer.Request request : group) {
            for (UUID id : request.batch.ids()) {
                allIds[k++] = id;
            }
        }
        long head = -1;
        long[] batchIds = new long[n];
        Map<String, Long> versions = new HashMap<>();
        Map<String, Map<UUID, Long>> known = new HashMap<>();
        boolean leftovers = false;
        try (PreparedStatement statement = c.prepareStatement(sql.lockForGroup)) {
            statement.setInt(1, n);
            statement.setArray(2, c.createArrayOf("text", streams));
            statement.setArray(3, c.createArrayOf("uuid", allIds));
            boolean resultSet = statement.execute();
            int index = 0;
            while (resultSet || statement.getUpdateCount() != -1) {
                if (resultSet) {
                    try (ResultSet rows = statement.getResultSet()) {
                        switch (index) {
                            case 0 -> {
                                rows.next();
                                head = rows.getLong(1);
                            }
                            case 1 -> {
                                rows.next();
                                leftovers = rows.getBoolean(1);
                            }
                            case 2 -> {
                                int i = 0;
                                while (rows.next()) {
                                    batchIds[i++] = rows.getLong(1);
                                }
                            }
                            case 3 -> {
                                while (rows.next()) {
                                    versions.put(rows.getString(1), rows.getLong(2));
                                }
                            }
                            default -> {
                                while (rows.next()) {
                                    known.computeIfAbsent(rows.getString(1), stream -> new HashMap<>())
                                            .put(rows.getObject(2, UUID.class), rows.getLong(3));
                                }
                            }
                        }
                    }
                    index++;
                }
                resultSet = statement.getMoreResults();
            }
        }
        if (leftovers) {
            // rows a crashed writer of an older version committed without a position: they go first
            try (PreparedStatement statement = c.prepareStatement(sql.sequence);
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    rows.getLong(1);
                    if (rows.wasNull()) {
                        head = rows.getLong(2);
                    }
                }
            }
            known.clear();
            try (PreparedStatement statement = c.prepareStatement(sql.knownIds)) {
                statement.setArray(1, c.createArrayOf("uuid", allIds));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        known.computeIfAbsent(rows.getString(1), stream -> new HashMap<>())
                                .put(rows.getObject(2, UUID.class), rows.getLong(3));
                    }
                }
            }
        }
        AppendResult[] results = new AppendResult[n];
        EventStoreException[] errors = new EventStoreException[n];
        List<Integer> written = new ArrayList<>();
        boolean[] writes = new boolean[n];
        int rows = 0;
        long next = head;
        for (int i = 0; i < n; i++) {
            Committer.Request request = group.get(i);
            long current = versions.getOrDefault(request.storedStreamId, ExpectedVersion.NO_STREAM_VERSION);
            try {
                AppendResult retried = AppendCheck.check(request.streamId, request.expected, request.batch.events(),
                        new StoredStream(c, request.streamId, request.storedStreamId, current,
                                known.getOrDefault(request.storedStreamId, Map.of()), request.batch.events().size()));
                if (retried != null) {
                    results[i] = retried;
                    continue;
                }
            } catch (EventStoreException e) {
                errors[i] = e;
                continue;
            }
            int size = request.batch.events().size();
            next += size;
            results[i] = new AppendResult(current + size, next);
            written.add(i);
            writes[i] = true;
            rows += size;
        }

        BeforeCommit hook = beforeCommit;
        String commitSql = (hook == null ? "" : hook.sql() + "; ") + "COMMIT";
        if (written.isEmpty()) {
            try (Statement statement = c.createStatement()) {
                statement.execute(commitSql);
            }
        } else {
            String[] rowStreams = new String[rows];
            Long[] rowVersions = new Long[rows];
            Long[] rowBatches = new Long[rows];
            Long[] rowPositions = new Long[rows];
            UUID[] rowIds = new UUID[rows];
            String[] rowTypes = new String[rows];
            byte[][] rowMetadata = new byte[rows][];
            byte[][] rowData = new byte[rows][];
            String[] streamIds = new String[written.size()];
            Long[] streamVersions = new Long[written.size()];
            int r = 0;
            int w = 0;
            for (int i : written) {
                Committer.Request request = group.get(i);
                Batch batch = request.batch;
                int size = batch.events().size();
                long firstVersion = results[i].streamVersion() - size + 1;
                long firstPosition = results[i].position() - size + 1;
                for (int e = 0; e < size; e++, r++) {
                    rowStreams[r] = batch.storedStreamId();
                    rowVersions[r] = firstVersion + e;
                    rowBatches[r] = batchIds[i];
                    rowPositions[r] = firstPosition + e;
                    rowIds[r] = batch.ids()[e];
                    rowTypes[r] = batch.types()[e];
                    rowMetadata[r] = batch.metadata()[e];
                    rowData[r] = batch.data()[e];
                }
                streamIds[w] = batch.storedStreamId();
                streamVersions[w++] = results[i].streamVersion();
            }
            try (PreparedStatement statement = c.prepareStatement(sql.writeGroup + "; " + commitSql)) {
                statement.setArray(1, c.createArrayOf("text", rowStreams));
                statement.setArray(2, c.createArrayOf("bigint", rowVersions));
                statement.setArray(3, c.createArrayOf("bigint", rowBatches));
                statement.setArray(4, c.createArrayOf("bigint", rowPositions));
                statement.setArray(5, c.createArrayOf("uuid", rowIds));
                statement.setArray(6, c.createArrayOf("text", rowTypes));
                statement.setArray(7, c.createArrayOf("bytea", rowMetadata));
                statement.setArray(8, c.createArrayOf("bytea", rowData));
                statement.setArray(9, c.createArrayOf("text", streamIds));
                statement.setArray(10, c.createArrayOf("bigint", streamVersions));
                statement.setLong(11, next);
                statement.setString(12, Long.toString(next));
                boolean resultSet = statement.execute();
                while (resultSet || statement.getUpdateCount() != -1) {
                    resultSet = statement.getMoreResults();
                }
            }
        }
        c.commit(); // a no-op for the driver now (the transaction has ended), but states the intent
        advanceHead(next);
        for (int i = 0; i < n; i++) {
            Committer.Request request = group.get(i);
            if (errors[i] != null) {
                request.result.completeExceptionally(errors[i]);
            } else {
                if (hook != null && writes[i]) {
                    hook.committed(batchIds[i]);
                }
                request.result.complete(results[i]);
            }
        }
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
     * up to {@value #READ_AHEAD} small events (about {@value #PAGE_BYTES} bytes at most; so that a
     * subscriber catching up, or requesting one event at a time, does not cost a query per batch)
     * and keeps it. Positions at or below the head never change, so a kept page is never stale, and
     * a page never reaches past the head that was visible when it was read.
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
                    int end = Math.min(page.size(), offset + wanted);
                    if (end > page.size() / 2) {
                        prefetch(first + page.size());
                    }
                    return page.subList(offset, end);
                }
            }
        }
        List<RecordedEvent> page = prefetched(fromPosition);
        if (page == null) {
            long aheadUntil = Math.min(head.get() + 1, fromPosition + Math.max(wanted, readAheadEvents));
            page = readRange(fromPosition, aheadUntil);
        }
        if (page.size() > wanted) {
            readAhead.set(Math.floorMod(nextReadAheadSlot.getAndIncrement(), readAhead.length()), List.copyOf(page));
            if (page.size() >= readAheadEvents / 2) {
                prefetch(fromPosition + page.size());
            }
            return page.subList(0, wanted);
        }
        return page;
    }

    /** A read-ahead page being read in the background, from {@code from}. */
    private record Prefetch(long from, CompletableFuture<List<RecordedEvent>> page) {
    }

    /**
     * Starts reading the page from {@code from} in the background if a subscription is that far
     * behind the visible head and no such read is under way: while the subscriber takes in one page,
     * the server reads and the driver decodes the next.
     */
    private void prefetch(long from) {
        long until = Math.min(head.get() + 1, from + readAheadEvents);
        Prefetch current = prefetch;
        if (until - from < readAheadEvents / 4 || closing || (current != null && current.from() >= from)) {
            return;
        }
        Prefetch next = new Prefetch(from, new CompletableFuture<>());
        synchronized (readAhead) {
            if (prefetch != current) {
                return;
            }
            prefetch = next;
        }
        try {
            subscriptionExecutor.execute(() -> {
                try {
                    next.page().complete(readRange(from, until));
                } catch (RuntimeException e) {
                    next.page().completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            next.page().completeExceptionally(e);
        }
    }

    /** The page read in the background from exactly {@code from}, or null if there is none (or it failed). */
    private List<RecordedEvent> prefetched(long from) {
        Prefetch current = prefetch;
        if (current == null || current.from() != from) {
            return null;
        }
        try {
            List<RecordedEvent> page = current.page().get();
            return page.isEmpty() ? null : page;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }

    /**
     * Events at positions {@code from} up to before {@code until} (at most up to the visible head),
     * in position order, stopping after about {@value #PAGE_BYTES} bytes: through a cursor (fetch
     * size {@value #FETCH_ROWS}, in a read-only transaction) so that the rows past that are never
     * sent, and without the byte counting window of {@code readPositions}, which costs the server
     * as much again as reading the rows.
     */
    private List<RecordedEvent> readRange(long from, long until) {
        return retryingOnce(() -> readRangeOnce(from, until));
    }

    private List<RecordedEvent> readRangeOnce(long from, long until) {
        ensureOpen();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement statement = c.prepareStatement(sql.readRange)) {
                if (binaryReads) {
                    statement.unwrap(PGStatement.class).setPrepareThreshold(-1);
                }
                statement.setFetchSize(FETCH_ROWS);
                statement.setLong(1, from);
                statement.setLong(2, until);
                List<RecordedEvent> events = new ArrayList<>((int) Math.min(until - from, FETCH_ROWS));
                long bytes = 0;
                try (ResultSet rows = statement.executeQuery()) {
                    while (bytes < PAGE_BYTES && rows.next()) {
                        RecordedEvent event = decode(rows);
                        if (event.position() != from + events.size()) {
                            throw new CorruptStoreException("expected position " + (from + events.size())
                                    + " but read " + event.position() + ": the log has a gap");
                        }
                        events.add(event);
                        bytes += event.data().length + 64;
                    }
                }
                return events;
            } finally {
                c.commit();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw readFailure(e);
        }
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
        return retryingOnce(() -> queryOnce(statementSql, parameters, firstPosition));
    }

    /** Runs a read, and once more if it failed on a pooled connection the server had dropped (reads are idempotent). */
    private List<RecordedEvent> retryingOnce(Supplier<List<RecordedEvent>> read) {
        try {
            return read.get();
        } catch (EventStoreException e) {
            if (closed || !(e.getCause() instanceof SQLException sqlError) || !HeldConnection.isConnectionFailure(sqlError)) {
                throw e;
            }
            LOG.log(System.Logger.Level.DEBUG, "read failed on a broken connection; retrying once", e);
            return read.get();
        }
    }

    private List<RecordedEvent> queryOnce(String statementSql, Parameters parameters, long firstPosition) {
        ensureOpen();
        try (Connection c = dataSource.getConnection();
             PreparedStatement statement = c.prepareStatement(statementSql)) {
            if (binaryReads) {
                // rows in the binary format from the first execution on (bytea as is, not hex text;
                // uuid and bigint as 16 and 8 bytes), not only once the driver has prepared it
                statement.unwrap(PGStatement.class).setPrepareThreshold(-1);
            }
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

    /** How many events a subscription's read brings in at once, and whether reads use the binary format (profiling only). */
    void readAhead(int events, boolean binary) {
        this.readAheadEvents = events;
        this.binaryReads = binary;
        for (int i = 0; i < readAhead.length(); i++) {
            readAhead.set(i, null);
        }
        prefetch = null;
    }

    /** Turns the lone writer's path on or off (on by default; off only to measure the hand-off). */
    void loneWrites(boolean on) {
        committer.loneWrites(on);
    }

    /** Appends written on their caller's thread, and all appends written (tests and diagnostics). */
    long loneWrites() {
        return committer.loneWrites();
    }

    long appendsWritten() {
        return committer.appends();
    }

    /** Nanoseconds the committing thread spent gathering groups, and writing them (diagnostics). */
    long[] gatherAndWriteNanos() {
        return committer.gatherAndWriteNanos();
    }

    /** Transactions written (groups and lone appends; tests and diagnostics). */
    long groupsWritten() {
        return committer.groups();
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
        if (HeldConnection.isConnectionFailure(e)) {
            return new StorageUnavailable("reading the event store in schema " + options.schema() + " failed: the"
                    + " database cannot be reached (" + e + ")", e);
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
            committer.stop(closedError());
            sequencer.stop();
            if (listener != null) {
                listener.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed = true;
            subscriptions.headAdvanced();
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
