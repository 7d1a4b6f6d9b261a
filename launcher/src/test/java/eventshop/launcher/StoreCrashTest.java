package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.launcher.load.CheckoutLoad;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole embedded store, a child process of this test, killed with SIGKILL in the middle of open-loop checkouts
 * and started again on the same data directory, a few rounds; after each restart {@link StoreCheck} holds every
 * invariant: every accepted order settles, no payment is captured twice, each sku's stock adds up, every log is on
 * its topics by event id, the views equal a fresh rebuild. The kill instant is random (seed printed, replayable with
 * {@code -Deventshop.crash.seed=N}). {@code benchmarks/crash-store} is the same loop for 50 rounds and more.
 */
class StoreCrashTest {

    private static final int ROUNDS = 2;
    private static final Duration LOAD = Duration.ofSeconds(6);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final String adminPassword = "crash-admin-" + UUID.randomUUID();
    private final List<String> ports = new ArrayList<>();
    private Path dataDir;
    private Path work;
    private Process store;
    private int edgePort;
    private int kafkaPort;

    @Test
    void everyInvariantHolds_afterTheStoreIsKilledDuringCheckouts() throws Exception {
        long seed = Long.getLong("eventshop.crash.seed", System.nanoTime());
        System.out.println("StoreCrashTest: seed " + seed);
        Random random = new Random(seed);
        work = Files.createTempDirectory("eventshop-crash");
        dataDir = work.resolve("data");
        edgePort = FreePorts.next();
        kafkaPort = FreePorts.next();
        ports.addAll(List.of("--port", "edge=" + edgePort, "--kafka-port", String.valueOf(kafkaPort),
                "--controller-port", String.valueOf(FreePorts.next())));
        for (String app : List.of("accounts", "catalog", "inventory", "carts", "orders", "payments", "views",
                "functions", "web")) {
            ports.addAll(List.of("--port", app + "=" + FreePorts.next()));
        }
        URI edge = URI.create("http://localhost:" + edgePort);
        String kafka = "localhost:" + kafkaPort;
        start(0);
        int acceptedInAll = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            // given checkouts arriving at 5/s
            Path out = work.resolve("round-" + round);
            CountDownLatch running = new CountDownLatch(1);
            PrintStream loadOut = new PrintStream(new LineWatcher(CheckoutLoad.STARTING, running), true,
                    StandardCharsets.UTF_8);
            CheckoutLoad load = new CheckoutLoad(new CheckoutLoad.Settings(edge, adminPassword, 5, LOAD, 10, "SKU-24642",
                    kafka, store.pid(), out, false, DEADLINE, Duration.ofMillis(200), Duration.ofMillis(500)), loadOut);
            CompletableFuture<Integer> loading = CompletableFuture.supplyAsync(() -> {
                try {
                    return load.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            assertThat(running.await(3, TimeUnit.MINUTES)).as("the load's checkouts starting").isTrue();

            // when the store's JVM is killed with SIGKILL at a random instant of the run, and started again
            long killAfter = 500 + random.nextLong(LOAD.toMillis() - 500);
            Thread.sleep(killAfter);
            store.destroyForcibly().waitFor();
            System.out.printf("StoreCrashTest: round %d: killed the store (SIGKILL) %d ms into the load%n", round,
                    killAfter);
            start(round);
            loading.get(5, TimeUnit.MINUTES);

            // then every invariant holds
            Set<String> accepted = new HashSet<>(Files.readAllLines(out.resolve(CheckoutLoad.ACCEPTED_ORDERS)));
            acceptedInAll += accepted.size();
            StoreCheck.Result result = new StoreCheck(edge, adminPassword, kafka, accepted, DEADLINE, System.out).run();
            StoreCheck.report(result, System.out);
            assertThat(result.verdicts()).extracting(StoreCheck.Verdict::invariant)
                    .containsExactly("settled", "payments", "stock", "topics", "views");
            assertThat(result.verdicts()).as(result.verdicts().toString()).allMatch(StoreCheck.Verdict::held);
            assertThat(result.orders()).isGreaterThanOrEqualTo(acceptedInAll);
        }
        assertThat(acceptedInAll).as("checkouts accepted over the rounds").isPositive();
    }

    /** Starts the store on the data directory and waits until it says it is ready. */
    private void start(int round) throws IOException {
        Path log = work.resolve("store-" + round + ".log");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m", "-Xss512k",
                "-cp", System.getProperty("java.class.path"), Store.class.getName(), "up", "--data", dataDir.toString()));
        command.addAll(ports);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put(Secrets.ADMIN_PASSWORD_ENV, adminPassword);
        store = builder.start();
        Process started = store;
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!started.isAlive()) {
                throw new IllegalStateException("the store exited with " + started.exitValue() + ":\n" + tail(log));
            }
            return Files.readString(log).contains("eventshop is ready");
        });
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    @AfterEach
    void stopTheStore() throws Exception {
        if (store != null && store.isAlive()) {
            store.destroy();
            if (!store.waitFor(60, TimeUnit.SECONDS)) {
                store.destroyForcibly().waitFor();
            }
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** Passes what it is given on to the console and counts down when a line with {@code marker} went by. */
    private static final class LineWatcher extends OutputStream {

        private final String marker;
        private final CountDownLatch seen;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineWatcher(String marker, CountDownLatch seen) {
            this.marker = marker;
            this.seen = seen;
        }

        @Override
        public synchronized void write(int b) {
            System.out.write(b);
            if (b == '\n') {
                if (line.toString(StandardCharsets.UTF_8).contains(marker)) {
                    seen.countDown();
                }
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
