package eventshop.eventstore.postgres;

import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Appends per second of this engine against plain JDBC inserts into an equivalent table, on one
 * embedded PostgreSQL server started here with durable settings ({@code fsync=on},
 * {@code synchronous_commit=on}, {@code full_page_writes=on}), at 1, 16 and 64 writers, one
 * 256-byte event per commit, each writer waiting for its acknowledgement; then catch-up read
 * throughput (a subscription from position 0, and a plain JDBC cursor over the plain table).
 *
 * <p>Not a test: run it by hand (see docs/eventstore-postgres.md). Options:
 * {@code --seconds=10 --warmup=3 --rounds=3 --writers=1,16,64 --read-events=200000}. Plain and engine
 * runs alternate, round by round, so that both see the same background load; medians are reported.
 */
public final class PostgresEngineBenchmark {

    private static final int EVENT_BYTES = 256;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "10"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "3"));
        int[] writerCounts = Arrays.stream(options.getOrDefault("writers", "1,16,64").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int readEvents = Integer.parseInt(options.getOrDefault("read-events", "200000"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));

        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, load average "
                + loadAverage() + ", JDK " + Runtime.version());
        try (EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "200")
                .setServerConfig("shared_buffers", "512MB")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start()) {
            String url = server.getJdbcUrl("postgres", "postgres");
            try (HikariDataSource admin = pool(url, 4, "admin")) {
                System.out.println("server: " + settings(admin));
            }
            System.out.printf("append, 1 event of 256 B per commit: %d rounds of %d s each, alternating plain and"
                    + " engine, median per round (the machine is shared: alternating keeps both under the same load)%n",
                    rounds, seconds);
            System.out.printf("%-34s %8s %14s   %s%n", "", "writers", "events/s", "rounds");
            for (int writers : writerCounts) {
                List<Double> plain = new ArrayList<>();
                List<Double> engine = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    plain.add(plainInserts(url, writers, warmup, seconds, round));
                    engine.add(engineAppends(url, writers, warmup, seconds, round));
                }
                System.out.printf("%-34s %8d %,14.0f   %s%n", "plain JDBC INSERT (autocommit)", writers, median(plain),
                        format(plain));
                System.out.printf("%-34s %8d %,14.0f   %s  = %.2f of plain%n", "PostgresEventStore.append", writers,
                        median(engine), format(engine), median(engine) / median(plain));
            }
            catchUp(url, readEvents);
            System.out.println("load average after: " + loadAverage());
        }
    }

    // ------------------------------------------------------------------------------------------ writes

    private static double engineAppends(String url, int writers, int warmup, int seconds, int round)
            throws Exception {
        PostgresEventStoreOptions options = PostgresEventStoreOptions.forUrl(url, "postgres", null)
                .withSchema("bench_engine_" + writers + "_" + round).withMaxPoolSize(writers);
        try (PostgresEventStore store = PostgresEventStore.open(options)) {
            double rate = run(writers, warmup, seconds, writer -> {
                String stream = "stream-" + writer + "-" + ThreadLocalRandom.current().nextInt(1_000);
                return () -> store.append(stream, ExpectedVersion.any(), List.of(event()));
            });
            return rate;
        }
    }

    private static double plainInserts(String url, int writers, int warmup, int seconds, int round)
            throws Exception {
        try (HikariDataSource pool = pool(url, writers, "plain")) {
            String table = "bench_plain_" + writers + "_" + round;
            createPlainTable(pool, table);
            return run(writers, warmup, seconds, writer -> {
                String stream = "stream-" + writer;
                AtomicLong version = new AtomicLong();
                return () -> {
                    try (Connection c = pool.getConnection();
                         PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
                                 + " (stream_id, version, event_id, type, metadata, data) VALUES (?, ?, ?, ?, ?, ?)")) {
                        EventData event = event();
                        insert.setString(1, stream);
                        insert.setLong(2, version.getAndIncrement());
                        insert.setObject(3, event.eventId());
                        insert.setString(4, event.type());
                        insert.setBytes(5, MetadataCodec.encode(event.metadata()));
                        insert.setBytes(6, event.data());
                        insert.executeUpdate();
                    }
                };
            });
        }
    }

    /** The engine's events table without the sequencer: a bigserial position assigned at insert. */
    private static void createPlainTable(DataSource pool, String table) throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (position bigserial PRIMARY KEY, stream_id text NOT NULL,"
                    + " version bigint NOT NULL, event_id uuid NOT NULL, type text NOT NULL, metadata bytea NOT NULL,"
                    + " data bytea NOT NULL, UNIQUE (stream_id, version))");
            s.execute("CREATE INDEX ON " + table + " (event_id)");
        }
    }

    @FunctionalInterface
    private interface Operation {
        void run() throws Exception;
    }

    @FunctionalInterface
    private interface Writer {
        Operation forWriter(int writer);
    }

    /** Runs {@code writers} threads, each doing one operation after another; operations per second after warm-up. */
    private static double run(int writers, int warmup, int seconds, Writer writer) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch finished = new CountDownLatch(writers);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Operation operation = writer.forWriter(w);
            threads.add(Thread.ofPlatform().name("bench-writer-" + w).start(() -> {
                try {
                    while (!stop.get()) {
                        operation.run();
                        if (measuring.get()) {
                            done.incrementAndGet();
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    finished.countDown();
                }
            }));
        }
        Thread.sleep(warmup * 1000L);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long count = done.get();
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        finished.await();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a writer failed", failures.getFirst());
        }
        return count / elapsed;
    }

    // ------------------------------------------------------------------------------------------ reads

    private static void catchUp(String url, int events) throws Exception {
        PostgresEventStoreOptions options = PostgresEventStoreOptions.forUrl(url, "postgres", null)
                .withSchema("bench_read").withMaxPoolSize(8);
        try (PostgresEventStore store = PostgresEventStore.open(options)) {
            int batch = 1_000;
            for (int i = 0; i < events / batch; i++) {
                List<EventData> many = new ArrayList<>(batch);
                for (int e = 0; e < batch; e++) {
                    many.add(event());
                }
                store.append("reader-" + i % 100, ExpectedVersion.any(), many);
            }
            long total = (long) (events / batch) * batch;
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                long count = store.subscribe(0).take(total).count().block();
                double rate = count / ((System.nanoTime() - start) / 1e9);
                System.out.printf("%-34s %8s %,14.0f   (%,d events, round %d)%n", "catch-up subscribe(0)", "-", rate,
                        count, round + 1);
            }
            long start = System.nanoTime();
            long count = store.readAll(0, (int) total).count().block();
            System.out.printf("%-34s %8s %,14.0f%n", "readAll(0, all)", "-", count / ((System.nanoTime() - start) / 1e9));
        }
        try (HikariDataSource pool = pool(url, 2, "plain-read")) {
            String table = "bench_plain_read";
            createPlainTable(pool, table);
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO " + table + " (stream_id, version, event_id, type, metadata, data)"
                        + " SELECT stream_id, version, event_id, type, metadata, data FROM bench_read.events ORDER BY position");
            }
            for (int round = 0; round < 3; round++) {
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement read = c.prepareStatement("SELECT position, stream_id, version, event_id, type,"
                            + " metadata, data FROM " + table + " ORDER BY position")) {
                        read.setFetchSize(1_000);
                        long start = System.nanoTime();
                        long count = 0;
                        try (ResultSet rows = read.executeQuery()) {
                            while (rows.next()) {
                                new RecordedEvent(rows.getObject(4, UUID.class), rows.getString(2), rows.getLong(3),
                                        rows.getLong(1), rows.getString(5), rows.getBytes(7),
                                        MetadataCodec.decode(rows.getBytes(6)));
                                count++;
                            }
                        }
                        System.out.printf("%-34s %8s %,14.0f   (round %d)%n", "plain JDBC cursor, fetch 1000", "-",
                                count / ((System.nanoTime() - start) / 1e9), round + 1);
                    }
                    c.commit();
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String format(List<Double> values) {
        return values.stream().map(v -> String.format("%,.0f", v)).toList().toString();
    }

    private static EventData event() {
        byte[] data = new byte[EVENT_BYTES];
        ThreadLocalRandom.current().nextBytes(data);
        return new EventData(UUID.randomUUID(), "ItemAdded", data, Metadata.at(Instant.now()));
    }

    private static HikariDataSource pool(String url, int size, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setPoolName("bench-" + name);
        return new HikariDataSource(config);
    }

    private static String settings(DataSource dataSource) throws Exception {
        StringBuilder text = new StringBuilder();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String name : List.of("server_version", "fsync", "synchronous_commit", "full_page_writes",
                    "wal_sync_method", "commit_delay", "shared_buffers")) {
                try (ResultSet row = s.executeQuery("SHOW " + name)) {
                    row.next();
                    text.append(name).append('=').append(row.getString(1)).append(' ');
                }
            }
        }
        return text.toString().trim();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("options look like --name=value, got " + arg);
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        return options;
    }
}
