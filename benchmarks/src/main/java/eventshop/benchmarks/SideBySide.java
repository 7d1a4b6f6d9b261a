package eventshop.benchmarks;

import eventshop.kafka.broker.InProcessKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The event store side by side with its peers, in one run (issue 7, DESIGN §7): one 256-byte event
 * per commit or acknowledgement, 1 / 16 / 64 writer threads each awaiting its acknowledgement
 * before the next append, for
 * <ul>
 *   <li>eventshop's PostgreSQL engine, plain JDBC INSERTs into an equivalent table (the ceiling)
 *       and Axon Framework 4.13's {@code JdbcEventStorageEngine}, all on one embedded PostgreSQL
 *       server started here with durable settings;</li>
 *   <li>eventshop's file engine with {@code Durability.FSYNC} on the same disk;</li>
 *   <li>a Kafka producer with {@code acks=all} and idempotence to an in-process broker (once with
 *       the broker's default flush policy, once with a topic that fsyncs every append);</li>
 *   <li>SQLite in WAL mode with {@code synchronous=FULL}.</li>
 * </ul>
 * Rounds alternate (every round runs every case, in an order rotated per round), so background
 * load on a shared machine falls on all alike; medians of the rounds are reported, with latency
 * percentiles over all rounds' measured appends, ratios to plain JDBC at the same concurrency and
 * to the disk's raw fsync rate (measured in every round). Then catch-up read throughput
 * ({@link CatchUp}). Writes a Markdown report and a PNG chart ({@link BarChart}).
 *
 * <p>Run with {@code benchmarks/run side-by-side [--seconds=4 --warmup=2 --rounds=3 ...]}; see
 * {@link #USAGE}. Exit status 0 when every case ran, 1 when one failed, 2 for bad arguments.
 */
public final class SideBySide {

    static final String USAGE = """
            usage: benchmarks/run side-by-side [options]
              --seconds=4          measured seconds per case
              --warmup=2           warm-up seconds per case (appends not counted)
              --rounds=3           alternating rounds; medians are reported
              --writers=1,16,64    writer counts
              --systems=all        or a comma list of: engine,plain,axon,file,kafka,kafka-fsync,sqlite
              --read-events=200000 events in each catch-up log (0 skips the reads)
              --data-dir=benchmarks/target/side-by-side-data   all data (PostgreSQL, Kafka, SQLite, file engine)
              --results=benchmarks/target/side-by-side.md
              --chart=benchmarks/target/side-by-side.png
            """;

    private static final List<String> SYSTEMS = List.of("engine", "plain", "axon", "file", "kafka", "kafka-fsync",
            "sqlite");

    /** One measured case: completions per second of the window, and the latency of each completion. */
    record Sample(double perSecond, Histogram latency) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("seconds", "4", "warmup", "2", "rounds", "3",
                "writers", "1,16,64", "systems", "all", "read-events", "200000",
                "data-dir", "benchmarks/target/side-by-side-data", "results", "benchmarks/target/side-by-side.md",
                "chart", "benchmarks/target/side-by-side.png"));
        for (String arg : args) {
            if (arg.equals("--help")) {
                System.out.print(USAGE);
                return;
            }
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0 || !options.containsKey(arg.substring(2, eq))) {
                System.err.print("unknown option " + arg + "\n" + USAGE);
                System.exit(2);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        List<String> systems = options.get("systems").equals("all") ? SYSTEMS
                : List.of(options.get("systems").split(","));
        if (!SYSTEMS.containsAll(systems)) {
            System.err.print("unknown system in " + systems + "\n" + USAGE);
            System.exit(2);
        }
        new SideBySide(options, systems, args).run();
    }

    private final Map<String, String> options;
    private final List<String> systems;
    private final String[] args;
    private final List<String> lines = new ArrayList<>();

    private SideBySide(Map<String, String> options, List<String> systems, String[] args) {
        this.options = options;
        this.systems = systems;
        this.args = args;
    }

    private void run() throws Exception {
        Duration measure = Duration.ofMillis((long) (Double.parseDouble(options.get("seconds")) * 1000));
        Duration warmup = Duration.ofMillis((long) (Double.parseDouble(options.get("warmup")) * 1000));
        int rounds = Integer.parseInt(options.get("rounds"));
        int[] writerCounts = Arrays.stream(options.get("writers").split(",")).mapToInt(Integer::parseInt).toArray();
        int readEvents = Integer.parseInt(options.get("read-events"));
        Path dataDir = Path.of(options.get("data-dir")).toAbsolutePath();
        delete(dataDir);
        Files.createDirectories(dataDir);

        header("date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        header("command: benchmarks/run side-by-side " + String.join(" ", args));
        header("code: " + System.getProperty("bench.commit", "unknown"));
        header("machine: " + Machine.cpu() + ", " + Machine.memory() + " RAM, kernel " + Machine.kernel());
        header("disk: " + Machine.disk(dataDir));
        header("JDK: " + Machine.jdk() + "; JVM flags: " + Machine.jvmFlags());
        double busy = Machine.busyFraction(2000);
        header(String.format(Locale.ROOT, "machine busy before the run: %.0f%% of all cores over 2 s; load average %s",
                busy * 100, Machine.load()));
        header(String.format(Locale.ROOT, "method: %d alternating rounds; per case %s warm-up then %s measured; "
                        + "one 256-byte event per append, writers each awaiting the acknowledgement before the next",
                rounds, seconds(warmup), seconds(measure)));

        Path pgData = dataDir.resolve("postgres");
        long t0 = System.nanoTime();
        try (EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(true)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "300")
                .setServerConfig("shared_buffers", "512MB")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
             InProcessKafka kafka = InProcessKafka.open(dataDir.resolve("kafka"), InProcessKafka.freePort(),
                     InProcessKafka.freePort())) {
            String url = server.getJdbcUrl("postgres", "postgres");
            header("PostgreSQL: " + postgresSettings(url) + "; data directory on the disk above");
            createKafkaTopics(kafka);
            header("Kafka: in-process KRaft broker (eventshop.kafka.broker.InProcessKafka), log dir on the disk "
                    + "above, log.flush.interval.messages=Long.MAX_VALUE (the broker never fsyncs per message); topic "
                    + "sbs-events 1 partition RF 1 with the broker default, topic sbs-events-fsync with flush.messages=1");
            System.out.printf("servers up in %.1f s%n", (System.nanoTime() - t0) / 1e9);

            List<Contender> contenders = new ArrayList<>();
            for (String system : systems) {
                contenders.add(switch (system) {
                    case "engine" -> new Contender.PostgresEngine(url);
                    case "plain" -> Contender.PlainJdbc.create(url);
                    case "axon" -> Contender.Axon.create(url, "sbs_axon");
                    case "file" -> new Contender.FileEngine(dataDir);
                    case "kafka" -> new Contender.Kafka(kafka.bootstrapServers(), "sbs-events", "");
                    case "kafka-fsync" -> new Contender.Kafka(kafka.bootstrapServers(), "sbs-events-fsync",
                            "topic flush.messages=1: the broker fsyncs the partition log after every appended "
                                    + "produce batch, before it answers (durable on this one machine)");
                    case "sqlite" -> Contender.Sqlite.create(dataDir.resolve("sqlite.db"));
                    default -> throw new IllegalArgumentException(system);
                });
            }
            for (Contender contender : contenders) {
                if (contender instanceof Contender.Sqlite sqlite) {
                    header("SQLite: " + sqlite.settings() + "; file on the disk above");
                }
            }

            Map<String, Map<Integer, List<Sample>>> samples = new LinkedHashMap<>();
            for (Contender contender : contenders) {
                samples.put(contender.name(), new LinkedHashMap<>());
                for (int writers : writerCounts) {
                    samples.get(contender.name()).put(writers, new ArrayList<>());
                }
            }
            List<RawDisk.FsyncResult> fsyncs = new ArrayList<>();
            int failures = 0;
            for (int round = 0; round < rounds; round++) {
                Path probe = Files.createDirectories(dataDir.resolve("fsync-probe-" + round));
                RawDisk.FsyncResult raw = RawDisk.fsyncRate(probe, Duration.ofSeconds(1), Duration.ofSeconds(3));
                delete(probe);
                fsyncs.add(raw);
                System.out.printf("round %d: raw fsync %,.0f/s (p50 %s), load average %s%n", round + 1,
                        raw.perSecond(), micros(raw.latency().getValueAtPercentile(50)), Machine.load());
                for (int writers : writerCounts) {
                    for (int i = 0; i < contenders.size(); i++) {
                        Contender contender = contenders.get((i + round) % contenders.size());
                        try {
                            Sample sample = measure(contender, writers, warmup, measure);
                            samples.get(contender.name()).get(writers).add(sample);
                            System.out.printf("  %-44s %3d writers %,10.0f events/s  p50 %8s  p99 %8s%n",
                                    contender.name(), writers, sample.perSecond(),
                                    micros(sample.latency().getValueAtPercentile(50)),
                                    micros(sample.latency().getValueAtPercentile(99)));
                        } catch (Exception e) {
                            failures++;
                            System.out.println("  " + contender.name() + " " + writers + " writers FAILED: " + e);
                            e.printStackTrace(System.out);
                        }
                    }
                }
            }

            Map<String, List<Double>> reads = Map.of();
            if (readEvents > 0) {
                System.out.printf("catch-up reads over %,d events%n", readEvents);
                try {
                    reads = CatchUp.run(url, dataDir, readEvents, rounds);
                } catch (Exception e) {
                    failures++;
                    System.out.println("  catch-up reads FAILED: " + e);
                    e.printStackTrace(System.out);
                }
            }
            for (Contender contender : contenders) {
                contender.close();
            }
            header("load average at end: " + Machine.load());
            report(contenders, writerCounts, samples, fsyncs, reads, readEvents);
            chart(contenders, writerCounts, samples, fsyncs, rounds, measure);
            if (failures > 0) {
                System.out.println(failures + " case(s) failed");
                System.exit(1);
            }
        } finally {
            delete(dataDir);
        }
    }

    // ------------------------------------------------------------------------------------------ measuring

    /**
     * {@code writers} platform threads (JDBC drivers and SQLite block in native or socket code),
     * each appending one event after another; an append counts, and its latency is recorded, when
     * it completes inside the measured window.
     */
    static Sample measure(Contender contender, int writers, Duration warmup, Duration measure) throws Exception {
        try (Contender.Case session = contender.open(writers)) {
            List<Contender.Append> appends = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                appends.add(session.writer(w));
            }
            Histogram[] latencies = new Histogram[writers];
            long[] counts = new long[writers];
            LongAdder progress = new LongAdder();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(writers);
            long start = System.nanoTime();
            long measureStart = start + warmup.toNanos();
            long measureEnd = measureStart + measure.toNanos();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Thread.ofPlatform().name("sbs-writer-" + w).daemon().start(() -> {
                    Histogram latency = new Histogram(3);
                    long count = 0;
                    try {
                        Contender.Append append = appends.get(writer);
                        while (failure.get() == null) {
                            long a = System.nanoTime();
                            if (a >= measureEnd) {
                                break;
                            }
                            append.next();
                            long b = System.nanoTime();
                            progress.increment();
                            if (b >= measureStart && b < measureEnd) {
                                latency.recordValue(b - a);
                                count++;
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        latencies[writer] = latency;
                        counts[writer] = count;
                        done.countDown();
                    }
                });
            }
            Watchdog.await(contender.name() + ", " + writers + " writers", () -> done.getCount() == 0, progress::sum);
            if (failure.get() != null) {
                throw new IllegalStateException("an append failed: " + failure.get(), failure.get());
            }
            Histogram all = new Histogram(3);
            long events = 0;
            for (int w = 0; w < writers; w++) {
                all.add(latencies[w]);
                events += counts[w];
            }
            return new Sample(events / (measure.toNanos() / 1e9), all);
        }
    }

    // ------------------------------------------------------------------------------------------ reporting

    private void report(List<Contender> contenders, int[] writerCounts, Map<String, Map<Integer, List<Sample>>> samples,
                        List<RawDisk.FsyncResult> fsyncs, Map<String, List<Double>> reads, int readEvents)
            throws IOException {
        double rawFsync = median(fsyncs.stream().map(RawDisk.FsyncResult::perSecond).toList());
        List<String> out = new ArrayList<>(lines);
        out.add("");
        out.add(String.format(Locale.ROOT, "raw fsync rate (one thread, write 356 B + fdatasync, 3 s per round): "
                + "median %s/s, rounds %s", grouped(rawFsync), rounds(fsyncs.stream()
                .map(RawDisk.FsyncResult::perSecond).toList())));
        out.add("");
        out.add("| system | writers | events/s (median) | rounds | p50 | p99 | ÷ plain JDBC | ÷ raw fsync/s |");
        out.add("|---|---:|---:|---|---:|---:|---:|---:|");
        String plainName = contenders.stream().filter(c -> c instanceof Contender.PlainJdbc).map(Contender::name)
                .findFirst().orElse(null);
        for (Contender contender : contenders) {
            for (int writers : writerCounts) {
                List<Sample> runs = samples.get(contender.name()).get(writers);
                if (runs.isEmpty()) {
                    out.add("| " + contender.name() + " | " + writers + " | FAILED | | | | | |");
                    continue;
                }
                double rate = median(runs.stream().map(Sample::perSecond).toList());
                Histogram merged = new Histogram(3);
                runs.forEach(s -> merged.add(s.latency()));
                String vsPlain = "";
                if (plainName != null && !samples.get(plainName).get(writers).isEmpty()) {
                    double plain = median(samples.get(plainName).get(writers).stream().map(Sample::perSecond).toList());
                    vsPlain = String.format(Locale.ROOT, "%.2f", rate / plain);
                }
                out.add(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %.2f |", contender.name(),
                        writers, grouped(rate), rounds(runs.stream().map(Sample::perSecond).toList()),
                        micros(merged.getValueAtPercentile(50)), micros(merged.getValueAtPercentile(99)), vsPlain,
                        rate / rawFsync));
            }
        }
        out.add("");
        out.add("durability of an acknowledged append:");
        out.add("");
        for (Contender contender : contenders) {
            out.add("- " + contender.name() + ": " + contender.durability());
        }
        if (!reads.isEmpty()) {
            out.add("");
            out.add(String.format(Locale.ROOT, "catch-up read, %,d events of 256 B, one reader from the start of the "
                    + "log (page cache warm):", readEvents / CatchUp.FILL_BATCH * CatchUp.FILL_BATCH));
            out.add("");
            out.add("| reader | events/s (median) | rounds |");
            out.add("|---|---:|---|");
            for (Map.Entry<String, List<Double>> reader : reads.entrySet()) {
                out.add("| " + reader.getKey() + " | " + grouped(median(reader.getValue())) + " | "
                        + rounds(reader.getValue()) + " |");
            }
        }
        out.add("");
        Path results = Path.of(options.get("results"));
        Files.createDirectories(results.toAbsolutePath().getParent());
        Files.write(results, out);
        System.out.println();
        out.forEach(System.out::println);
        System.out.println("\nresults written to " + results);
    }

    private void chart(List<Contender> contenders, int[] writerCounts, Map<String, Map<Integer, List<Sample>>> samples,
                       List<RawDisk.FsyncResult> fsyncs, int rounds, Duration measure) throws IOException {
        List<BarChart.Series> series = new ArrayList<>();
        for (Contender contender : contenders) {
            double[] values = new double[writerCounts.length];
            for (int i = 0; i < writerCounts.length; i++) {
                List<Sample> runs = samples.get(contender.name()).get(writerCounts[i]);
                values[i] = runs.isEmpty() ? Double.NaN : median(runs.stream().map(Sample::perSecond).toList());
            }
            series.add(new BarChart.Series(contender.name(), values));
        }
        List<String> groups = Arrays.stream(writerCounts).mapToObj(w -> w + (w == 1 ? " writer" : " writers")).toList();
        double rawFsync = median(fsyncs.stream().map(RawDisk.FsyncResult::perSecond).toList());
        Path chart = Path.of(options.get("chart"));
        BarChart.write(chart, "Durable appends, one 256-byte event per commit, side by side",
                String.format(Locale.ROOT, "%s; %s; median of %d alternating rounds of %s; code %s, %s",
                        Machine.cpu(), "JDK " + Runtime.version(), rounds, seconds(measure),
                        System.getProperty("bench.commit", "?"), ZonedDateTime.now().format(
                                DateTimeFormatter.ISO_LOCAL_DATE)),
                "concurrent writers, each awaiting its acknowledgement before the next append",
                "events/s (log scale)", groups, series,
                List.of(new BarChart.Reference("raw fsync rate of the disk (1 thread)", rawFsync)));
        System.out.println("chart written to " + chart);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private void header(String line) {
        System.out.println(line);
        lines.add("- " + line);
    }

    private static void createKafkaTopics(InProcessKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(
                    new NewTopic("sbs-events", 1, (short) 1),
                    new NewTopic("sbs-events-fsync", 1, (short) 1).configs(Map.of("flush.messages", "1"))))
                    .all().get();
        }
    }

    private static String postgresSettings(String url) throws Exception {
        StringBuilder text = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement s = c.createStatement()) {
            for (String name : List.of("server_version", "fsync", "synchronous_commit", "full_page_writes",
                    "wal_sync_method", "commit_delay", "shared_buffers", "max_connections")) {
                try (ResultSet row = s.executeQuery("SHOW " + name)) {
                    row.next();
                    text.append(name).append('=').append(row.getString(1)).append(' ');
                }
            }
        }
        return text.toString().trim();
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String grouped(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String rounds(List<Double> values) {
        return String.join(" / ", values.stream().map(SideBySide::grouped).toList());
    }

    static String micros(long nanos) {
        if (nanos >= 10_000_000) {
            return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
        }
        if (nanos >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%d µs", nanos / 1000);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
