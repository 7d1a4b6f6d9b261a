package eventshop.eventstore.postgres;

import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Where a lone append's time goes: one thread, one 256-byte event per commit, against a running
 * server (fsync and synchronous_commit on), each variant timed over the same number of appends in
 * alternating rounds (median of the per-round means, and the p50 of all). Not a test: run by hand,
 * {@code java -cp <test classpath> eventshop.eventstore.postgres.WritePathProfile <jdbc url> [appends] [rounds] [catch-up events]}.
 * Variants: a {@code SELECT 1} round trip; a plain autocommit INSERT; the engine's statement
 * ({@code append_group(...); COMMIT}, one round trip) on the caller's thread, with and without the
 * NOTIFY, and as two round trips (the function, then COMMIT); the store's {@code append} with the
 * LISTEN connection and without it. Then catch-up: {@code subscribe(0)} over a log of the given size.
 */
public final class WritePathProfile {

    private static final byte[] DATA = new byte[256];

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int appends = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int catchUp = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        String schema = "prof_" + ProcessHandle.current().pid();
        PostgresEventStoreOptions options = PostgresEventStoreOptions.forUrl(url, "postgres", null).withSchema(schema);
        try (PostgresEventStore store = PostgresEventStore.open(options);
             PostgresEventStore quiet = PostgresEventStore.open(options.withSchema(schema + "_q").withListen(false));
             PostgresEventStore handOff = PostgresEventStore.open(options.withSchema(schema + "_h"));
             PostgresEventStore replanned = PostgresEventStore.open(options.withSchema(schema + "_c"));
             Connection plain = DriverManager.getConnection(url, "postgres", null);
             Connection engine = DriverManager.getConnection(url, "postgres", null)) {
            try (Statement s = plain.createStatement()) {
                s.execute("CREATE TABLE " + schema + ".plain (position bigserial PRIMARY KEY, stream_id text NOT NULL,"
                        + " version bigint NOT NULL, event_id uuid NOT NULL, type text NOT NULL,"
                        + " metadata bytea NOT NULL, data bytea NOT NULL, UNIQUE (stream_id, version))");
                s.execute("CREATE INDEX ON " + schema + ".plain (event_id)");
                // the same function without its NOTIFY, in the quiet schema
                String body;
                try (ResultSet r = s.executeQuery("SELECT pg_get_functiondef('" + schema + ".append_group'::regproc)")) {
                    r.next();
                    body = r.getString(1);
                }
                s.execute(body.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION").replace(schema + ".", schema + "_q.")
                        .replaceAll("(?m)^\\s*PERFORM pg_notify\\(.*$", ""));
                // and as it was before V3: its plans made again on (nearly) every call
                s.execute("ALTER FUNCTION " + schema + "_c.append_group(text[], bigint[], int[], int[], int[], uuid[],"
                        + " text[], bytea[], bytea[]) RESET plan_cache_mode");
            }
            handOff.loneWrites(false);
            engine.setAutoCommit(false);
            PreparedStatement select1 = plain.prepareStatement("SELECT 1");
            PreparedStatement insert = plain.prepareStatement("INSERT INTO " + schema + ".plain"
                    + " (stream_id, version, event_id, type, metadata, data) VALUES (?, ?, ?, ?, ?, ?)");
            long[] n = {0};
            List<Variant> variants = List.of(
                    new Variant("SELECT 1 (autocommit, no commit)", time(() -> {
                        try (ResultSet r = select1.executeQuery()) {
                            r.next();
                        }
                    })),
                    new Variant("plain INSERT (autocommit)", time(() -> {
                        insert.setString(1, "s-" + n[0]);
                        insert.setLong(2, 0);
                        insert.setObject(3, UUID.randomUUID());
                        insert.setString(4, "Added");
                        insert.setBytes(5, new byte[33]);
                        insert.setBytes(6, DATA);
                        insert.executeUpdate();
                        n[0]++;
                    })),
                    new Variant("append_group; COMMIT (caller thread)", time(() -> appendGroup(engine, schema, true, n))),
                    new Variant("append_group (V2's plans); COMMIT", time(() -> appendGroup(engine, schema + "_c", true, n))),
                    new Variant("append_group without NOTIFY; COMMIT", time(() -> appendGroup(engine, schema + "_q", true, n))),
                    new Variant("append_group, then COMMIT (2 trips)", time(() -> appendGroup(engine, schema, false, n))),
                    new Variant("store.append (LISTEN on)", time(() -> store.append("s-" + n[0]++,
                            ExpectedVersion.any(), List.of(event())))),
                    new Variant("store.append, hand-off (LISTEN on)", time(() -> handOff.append("s-" + n[0]++,
                            ExpectedVersion.any(), List.of(event())))),
                    new Variant("store.append (LISTEN off)", time(() -> quiet.append("s-" + n[0]++,
                            ExpectedVersion.any(), List.of(event())))));
            List<List<Double>> means = new ArrayList<>();
            List<long[]> all = new ArrayList<>();
            for (int v = 0; v < variants.size(); v++) {
                means.add(new ArrayList<>());
                all.add(new long[appends * rounds]);
            }
            for (Variant variant : variants) { // warm-up
                for (int i = 0; i < 300; i++) {
                    variant.run.getAsLong();
                }
            }
            // round-robin, one append of each variant in turn, so that the disk's and the machine's
            // changing load falls on all variants alike
            for (int round = 0; round < rounds; round++) {
                long[] sums = new long[variants.size()];
                for (int i = 0; i < appends; i++) {
                    for (int v = 0; v < variants.size(); v++) {
                        long t = variants.get(v).run.getAsLong();
                        all.get(v)[round * appends + i] = t;
                        sums[v] += t;
                    }
                }
                for (int v = 0; v < variants.size(); v++) {
                    means.get(v).add(sums[v] / 1e3 / appends);
                }
            }
            System.out.printf("load average %s; %d appends x %d rounds per variant%n", load(), appends, rounds);
            System.out.printf("%-40s %10s %10s %10s%n", "", "mean µs", "p50 µs", "p90 µs");
            for (int v = 0; v < variants.size(); v++) {
                long[] sorted = all.get(v).clone();
                Arrays.sort(sorted);
                List<Double> m = new ArrayList<>(means.get(v));
                m.sort(null);
                System.out.printf("%-40s %10.0f %10.0f %10.0f%n", variants.get(v).name, m.get(m.size() / 2),
                        sorted[sorted.length / 2] / 1e3, sorted[sorted.length * 9 / 10] / 1e3);
            }
            System.out.println("lone writes of the store: " + store.loneWrites() + " of " + store.appendsWritten());
            for (int writers : new int[] {16, 64}) {
                concurrent(store, writers);
            }
            if (catchUp > 0) {
                catchUp(store, catchUp, rounds);
            }
        }
    }

    /** {@code writers} threads appending for 3 s: appends per second and the mean group size. */
    private static void concurrent(PostgresEventStore store, int writers) throws InterruptedException {
        long groups = store.groupsWritten();
        long appends = store.appendsWritten();
        long[] nanos = store.gatherAndWriteNanos();
        long end = System.nanoTime() + 3_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String stream = "w" + writers + "-" + w;
            threads.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    store.append(stream, ExpectedVersion.any(), List.of(event()));
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long g = store.groupsWritten() - groups;
        long a = store.appendsWritten() - appends;
        long[] after = store.gatherAndWriteNanos();
        System.out.printf("%d writers: %,.0f appends/s, %,d transactions, %.1f appends per transaction; per"
                        + " transaction %.0f µs gathering, %.0f µs writing (load %s)%n", writers, a / 3.0, g,
                (double) a / g, (after[0] - nanos[0]) / 1e3 / g, (after[1] - nanos[1]) / 1e3 / g, load());
    }

    private static void catchUp(PostgresEventStore store, int events, int rounds) {
        long start = store.headPosition() + 1;
        int batch = 1000;
        for (int b = 0; b < events / batch; b++) {
            List<EventData> list = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                list.add(event());
            }
            store.append("fill-" + (b % 100), ExpectedVersion.any(), list);
        }
        long total = store.headPosition() + 1 - start;
        int[][] settings = {{512, 1}, {2048, 1}, {2048, 0}, {8192, 1}};
        for (int round = 0; round < rounds * settings.length; round++) {
            int[] setting = settings[round % settings.length];
            store.readAhead(setting[0], setting[1] == 1);
            long t = System.nanoTime();
            long[] bytes = {0};
            Long read = store.subscribe(start).take(total).doOnNext(e -> bytes[0] += e.data().length).count()
                    .block(Duration.ofMinutes(5));
            double seconds = (System.nanoTime() - t) / 1e9;
            System.out.printf("catch-up subscribe, read-ahead %5d, binary %-5s: %,d events in %.2f s: %,.0f events/s"
                    + " (load %s)%n", setting[0], setting[1] == 1, read, seconds, read / seconds, load());
        }
    }

    private static void appendGroup(Connection c, String schema, boolean oneTrip, long[] n) throws Exception {
        String sql = "SELECT stream_version, last_position, batch FROM " + schema + ".append_group(?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement statement = c.prepareStatement(oneTrip ? sql + "; COMMIT" : sql)) {
            statement.setArray(1, c.createArrayOf("text", new String[] {"s-" + n[0]++}));
            statement.setArray(2, c.createArrayOf("bigint", new Long[] {-2L}));
            statement.setArray(3, c.createArrayOf("integer", new Integer[] {1}));
            statement.setArray(4, c.createArrayOf("integer", new Integer[] {1}));
            statement.setArray(5, c.createArrayOf("integer", new Integer[] {1}));
            statement.setArray(6, c.createArrayOf("uuid", new UUID[] {UUID.randomUUID()}));
            statement.setArray(7, c.createArrayOf("text", new String[] {"Added"}));
            statement.setArray(8, c.createArrayOf("bytea", new byte[][] {MetadataCodec.encode(Metadata.at(Instant.now()))}));
            statement.setArray(9, c.createArrayOf("bytea", new byte[][] {DATA}));
            boolean resultSet = statement.execute();
            while (resultSet || statement.getUpdateCount() != -1) {
                if (resultSet) {
                    try (ResultSet r = statement.getResultSet()) {
                        while (r.next()) {
                            r.getLong(1);
                        }
                    }
                }
                resultSet = statement.getMoreResults();
            }
        }
        c.commit();
    }

    private static EventData event() {
        return new EventData(UUID.randomUUID(), "Added", DATA, Metadata.at(Instant.now()));
    }

    private record Variant(String name, LongSupplier run) {
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static LongSupplier time(Step step) {
        return () -> {
            long t = System.nanoTime();
            try {
                step.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return System.nanoTime() - t;
        };
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).substring(0, 14);
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
