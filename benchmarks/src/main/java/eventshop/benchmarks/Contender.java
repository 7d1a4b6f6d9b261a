package eventshop.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.file.Durability;
import eventshop.eventstore.file.FileEventStore;
import eventshop.eventstore.file.FileEventStoreOptions;
import eventshop.eventstore.postgres.PostgresEventStore;
import eventshop.eventstore.postgres.PostgresEventStoreOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.PostgresEventTableFactory;

/**
 * One system under test in {@link SideBySide}: something that durably (or as durably as it is
 * configured to) stores one 256-byte event per call and tells the caller when it has. A contender
 * is opened once per run; each measured case {@linkplain #open opens} a {@link Case} sized for its
 * writers, and each writer thread gets its own {@link Append} (used by that thread only).
 */
sealed interface Contender extends AutoCloseable {

    /** Short name for tables and the chart legend. */
    String name();

    /** How durable an acknowledged append is, in one line. */
    String durability();

    /** Resources of one measured case with {@code writers} concurrent writers. */
    Case open(int writers) throws Exception;

    @Override
    default void close() throws Exception {
    }

    /** A measured case's resources; closed after the case. */
    interface Case extends AutoCloseable {
        /** The append operation of writer {@code writer}, used by that writer's thread only. */
        Append writer(int writer) throws Exception;

        @Override
        void close() throws Exception;
    }

    /** One append of one event, returning when the contender acknowledged it. */
    @FunctionalInterface
    interface Append {
        void next() throws Exception;
    }

    /** Streams (aggregates, keys) each writer cycles over, as in {@link Appends}. */
    int STREAMS_PER_WRITER = Appends.STREAMS_PER_WRITER;

    /** Numbers cases, so each case's writers use stream names of their own (versions start at 0). */
    AtomicInteger CASES = new AtomicInteger();

    /**
     * The metadata column for the plain table: the 33 bytes the PostgreSQL engine writes for
     * {@code Metadata.at(timestamp)} (format, seconds, nanos, schema version, three empty strings,
     * no headers), so both tables hold rows of the same size.
     */
    static byte[] metadata(Instant at) {
        ByteBuffer buffer = ByteBuffer.allocate(33);
        buffer.put((byte) 1).putLong(at.getEpochSecond()).putInt(at.getNano()).putInt(1)
                .putInt(0).putInt(0).putInt(0).putInt(0);
        return buffer.array();
    }

    static HikariDataSource pool(String url, int size, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setPoolName("sbs-" + name);
        return new HikariDataSource(config);
    }

    // ------------------------------------------------------------------------------------------ (a)

    /** eventshop's {@code PostgresEventStore}, one schema for the whole run, a pool sized to the writers. */
    record PostgresEngine(String url) implements Contender {
        static final String SCHEMA = "sbs_engine";

        @Override
        public String name() {
            return "eventshop PostgreSQL engine";
        }

        @Override
        public String durability() {
            return "PostgresEventStore.append: queued appends written together, one transaction per group "
                    + "(group commit), acknowledged after that commit; server fsync=on, synchronous_commit=on";
        }

        @Override
        public Case open(int writers) {
            PostgresEventStore store = PostgresEventStore.open(PostgresEventStoreOptions.forUrl(url, "postgres", null)
                    .withSchema(SCHEMA).withMaxPoolSize(writers));
            int caseNumber = CASES.incrementAndGet();
            return new Case() {
                @Override
                public Append writer(int writer) {
                    String[] streams = Events.streams("c" + caseNumber + "w" + writer, STREAMS_PER_WRITER);
                    byte[] data = Events.data(Events.DATA_BYTES);
                    Events.Ids ids = new Events.Ids();
                    int[] next = {0};
                    return () -> store.append(streams[next[0]++ % streams.length], ExpectedVersion.any(),
                            Events.one(ids, data));
                }

                @Override
                public void close() {
                    store.close();
                }
            };
        }
    }

    // ------------------------------------------------------------------------------------------ (b)

    /**
     * Plain JDBC autocommit {@code INSERT}s into a table with the engine's columns and indexes and a
     * {@code bigserial} position: the ceiling. Each writer holds one connection and one prepared
     * statement for the whole case (the least work PostgreSQL can be asked to do per event).
     */
    record PlainJdbc(String url) implements Contender {
        static final String TABLE = "sbs_plain";

        /** Creates the table (dropping an old one). */
        static PlainJdbc create(String url) throws SQLException {
            try (Connection c = DriverManager.getConnection(url, "postgres", null)) {
                createTable(c, TABLE);
            }
            return new PlainJdbc(url);
        }

        static void createTable(Connection c, String table) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
                s.execute("CREATE TABLE " + table + " (position bigserial PRIMARY KEY, stream_id text NOT NULL,"
                        + " version bigint NOT NULL, event_id uuid NOT NULL, type text NOT NULL,"
                        + " metadata bytea NOT NULL, data bytea NOT NULL, UNIQUE (stream_id, version))");
                s.execute("CREATE INDEX ON " + table + " (event_id)");
            }
        }

        @Override
        public String name() {
            return "plain JDBC INSERT";
        }

        @Override
        public String durability() {
            return "autocommit INSERT, one commit per event; server fsync=on, synchronous_commit=on";
        }

        @Override
        public Case open(int writers) {
            int caseNumber = CASES.incrementAndGet();
            List<Connection> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
            return new Case() {
                @Override
                public Append writer(int writer) throws SQLException {
                    Connection c = DriverManager.getConnection(url, "postgres", null);
                    connections.add(c);
                    PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE
                            + " (stream_id, version, event_id, type, metadata, data) VALUES (?, ?, ?, ?, ?, ?)");
                    String[] streams = Events.streams("c" + caseNumber + "w" + writer, STREAMS_PER_WRITER);
                    long[] versions = new long[streams.length];
                    byte[] data = Events.data(Events.DATA_BYTES);
                    Events.Ids ids = new Events.Ids();
                    int[] next = {0};
                    return () -> {
                        int s = next[0]++ % streams.length;
                        insert.setString(1, streams[s]);
                        insert.setLong(2, versions[s]++);
                        insert.setObject(3, ids.next());
                        insert.setString(4, Events.TYPE);
                        insert.setBytes(5, metadata(Instant.now()));
                        insert.setBytes(6, data);
                        insert.executeUpdate();
                    };
                }

                @Override
                public void close() throws SQLException {
                    for (Connection c : connections) {
                        c.close();
                    }
                }
            };
        }
    }

    // ------------------------------------------------------------------------------------------ (c)

    /**
     * Axon Framework 4.13's {@link JdbcEventStorageEngine} with its default PostgreSQL schema
     * (created by its own {@code createSchema(PostgresEventTableFactory.INSTANCE)}) in a schema of
     * its own, {@link NoTransactionManager} over autocommit pool connections (so one
     * {@code appendEvents} of one message is one batch of one INSERT, one commit), and a
     * {@link PassThroughSerializer}: the 256 bytes are stored as they are.
     */
    record Axon(String url, String schema) implements Contender {
        /** Creates {@code schema} afresh and in it Axon's tables, by Axon's own {@code createSchema}. */
        static Axon create(String url, String schema) throws SQLException {
            try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                s.execute("CREATE SCHEMA " + schema);
            }
            try (HikariDataSource pool = pool(schemaUrl(url, schema), 1, "axon-schema")) {
                engine(pool).createSchema(PostgresEventTableFactory.INSTANCE);
            }
            return new Axon(url, schema);
        }

        static String schemaUrl(String url, String schema) {
            return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        }

        static JdbcEventStorageEngine engine(HikariDataSource pool) {
            PassThroughSerializer serializer = new PassThroughSerializer();
            return JdbcEventStorageEngine.builder()
                    .connectionProvider(pool::getConnection)
                    .transactionManager(NoTransactionManager.INSTANCE)
                    .eventSerializer(serializer)
                    .snapshotSerializer(serializer)
                    .build();
        }

        @Override
        public String name() {
            return "Axon 4.13 JdbcEventStorageEngine";
        }

        @Override
        public String durability() {
            return "appendEvents of one GenericDomainEventMessage: one batched INSERT, autocommit, one commit per "
                    + "event; server fsync=on, synchronous_commit=on";
        }

        @Override
        public Case open(int writers) {
            HikariDataSource pool = pool(schemaUrl(url, schema), writers, "axon");
            JdbcEventStorageEngine engine = engine(pool);
            int caseNumber = CASES.incrementAndGet();
            return new Case() {
                @Override
                public Append writer(int writer) {
                    String[] aggregates = Events.streams("c" + caseNumber + "w" + writer, STREAMS_PER_WRITER);
                    long[] sequences = new long[aggregates.length];
                    byte[] data = Events.data(Events.DATA_BYTES);
                    int[] next = {0};
                    return () -> {
                        int a = next[0]++ % aggregates.length;
                        engine.appendEvents(List.of(new GenericDomainEventMessage<>(Events.TYPE, aggregates[a],
                                sequences[a]++, data)));
                    };
                }

                @Override
                public void close() {
                    pool.close();
                }
            };
        }
    }

    // ------------------------------------------------------------------------------------------ (d)

    /** eventshop's {@code FileEventStore} with {@link Durability#FSYNC}, a fresh directory per case. */
    record FileEngine(Path directory) implements Contender {
        @Override
        public String name() {
            return "eventshop file engine";
        }

        @Override
        public String durability() {
            return "Durability.FSYNC: acknowledged after fdatasync of the log (group commit across writers)";
        }

        @Override
        public Case open(int writers) throws Exception {
            Path dir = directory.resolve("file-case-" + CASES.incrementAndGet());
            FileEventStore store = FileEventStore.open(dir, FileEventStoreOptions.defaults()
                    .withDurability(Durability.FSYNC));
            return new Case() {
                @Override
                public Append writer(int writer) {
                    String[] streams = Events.streams("w" + writer, STREAMS_PER_WRITER);
                    byte[] data = Events.data(Events.DATA_BYTES);
                    Events.Ids ids = new Events.Ids();
                    int[] next = {0};
                    return () -> store.append(streams[next[0]++ % streams.length], ExpectedVersion.any(),
                            Events.one(ids, data));
                }

                @Override
                public void close() throws Exception {
                    store.close();
                    SideBySide.delete(dir);
                }
            };
        }
    }

    // ------------------------------------------------------------------------------------------ (e)

    /**
     * A Kafka producer with {@code acks=all} and idempotence to a single-partition topic of the
     * in-process broker; one producer shared by the case's writers (as Kafka producers are meant to
     * be used: concurrent sends share its batches), each writer awaiting its own send.
     */
    record Kafka(String bootstrap, String topic, String flushNote) implements Contender {
        @Override
        public String name() {
            return flushNote.isEmpty() ? "Kafka acks=all (page cache, no fsync)"
                    : "Kafka acks=all, flush.messages=1 (fsync)";
        }

        @Override
        public String durability() {
            return "acks=all, enable.idempotence=true, linger.ms=0, 1 partition, replication factor 1 (so all = the "
                    + "leader); " + (flushNote.isEmpty()
                    ? "broker default flush policy: acknowledged once in the page cache, NO fsync per message "
                    + "(log.flush.interval.messages=Long.MAX_VALUE; Kafka relies on replication, which a single broker "
                    + "does not have)"
                    : flushNote);
        }

        @Override
        public Case open(int writers) {
            KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 0,
                    ProducerConfig.CLIENT_ID_CONFIG, "side-by-side-" + CASES.incrementAndGet()),
                    new StringSerializer(), new ByteArraySerializer());
            return new Case() {
                @Override
                public Append writer(int writer) {
                    String[] keys = Events.streams("w" + writer, STREAMS_PER_WRITER);
                    byte[] data = Events.data(Events.DATA_BYTES);
                    int[] next = {0};
                    return () -> producer.send(new ProducerRecord<>(topic, keys[next[0]++ % keys.length], data)).get();
                }

                @Override
                public void close() {
                    producer.close();
                }
            };
        }
    }

    // ------------------------------------------------------------------------------------------ (f)

    /**
     * SQLite in WAL mode with {@code synchronous=FULL}: one database file for the run, one
     * connection per case shared by its writers, which take a lock around each autocommit INSERT.
     * SQLite allows one writer at a time anyway; a shared connection turns its file lock into a
     * plain queue instead of its busy-retry backoff (sleeps of 1 ms and more), which would lose
     * far more at 16 and 64 writers.
     */
    record Sqlite(Path file) implements Contender {
        static final String TABLE = "events";

        /** Creates the database file and its table. */
        static Sqlite create(Path file) throws SQLException {
            try (Connection c = connect(file); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + TABLE + " (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL,"
                        + " version INTEGER NOT NULL, event_id BLOB NOT NULL, type TEXT NOT NULL,"
                        + " metadata BLOB NOT NULL, data BLOB NOT NULL, UNIQUE (stream_id, version))");
                s.execute("CREATE INDEX events_event_id ON " + TABLE + " (event_id)");
            }
            return new Sqlite(file);
        }

        static Connection connect(Path file) throws SQLException {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=10000");
            }
            return c;
        }

        /** The pragmas as SQLite reports them on a fresh connection. */
        String settings() throws SQLException {
            StringBuilder text = new StringBuilder("SQLite ");
            try (Connection c = connect(file); Statement s = c.createStatement()) {
                try (ResultSet version = s.executeQuery("SELECT sqlite_version()")) {
                    version.next();
                    text.append(version.getString(1));
                }
                for (String pragma : List.of("journal_mode", "synchronous", "wal_autocheckpoint", "page_size")) {
                    try (ResultSet row = s.executeQuery("PRAGMA " + pragma)) {
                        row.next();
                        text.append(' ').append(pragma).append('=').append(row.getString(1));
                    }
                }
            }
            return text.toString();
        }

        @Override
        public String name() {
            return "SQLite WAL, synchronous=FULL";
        }

        @Override
        public String durability() {
            return "journal_mode=WAL, synchronous=FULL (the WAL is fsynced at every commit), autocommit INSERT per "
                    + "event; one connection shared by the writers, serialised by a lock (SQLite has one writer at a "
                    + "time)";
        }

        @Override
        public Case open(int writers) throws SQLException {
            Connection c = connect(file);
            PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE
                    + " (stream_id, version, event_id, type, metadata, data) VALUES (?, ?, ?, ?, ?, ?)");
            ReentrantLock lock = new ReentrantLock(true); // first come, first served: a queue
            int caseNumber = CASES.incrementAndGet();
            return new Case() {
                @Override
                public Append writer(int writer) {
                    String[] streams = Events.streams("c" + caseNumber + "w" + writer, STREAMS_PER_WRITER);
                    long[] versions = new long[streams.length];
                    byte[] data = Events.data(Events.DATA_BYTES);
                    Events.Ids ids = new Events.Ids();
                    int[] next = {0};
                    return () -> {
                        int s = next[0]++ % streams.length;
                        UUID id = ids.next();
                        byte[] idBytes = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                                .putLong(id.getLeastSignificantBits()).array();
                        lock.lock();
                        try {
                            insert.setString(1, streams[s]);
                            insert.setLong(2, versions[s]++);
                            insert.setBytes(3, idBytes);
                            insert.setString(4, Events.TYPE);
                            insert.setBytes(5, metadata(Instant.now()));
                            insert.setBytes(6, data);
                            insert.executeUpdate();
                        } finally {
                            lock.unlock();
                        }
                    };
                }

                @Override
                public void close() throws SQLException {
                    insert.close();
                    c.close();
                }
            };
        }
    }
}
