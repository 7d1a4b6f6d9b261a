package eventshop.launcher.load;

import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Year;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code store load}: an open-loop load of checkouts against a running store, through edge's public API,
 * watched without loading the store it measures (see docs/benchmarks.md, "The load tool").
 *
 * <ol>
 *   <li>Set-up, not measured: the admin receives enough stock of the sku; {@code customers} new customers
 *       register, log in and tokenize the test card that authorizes; the run then waits (up to 15 s) for
 *       the store to calm down from that.</li>
 *   <li>One subscription to {@code orders.events} ({@link OrderEvents}, from the topic's end) learns each
 *       order's outcome; one probe at a time ({@link ViewsProbe}) learns when the views show the
 *       confirmations.</li>
 *   <li>The {@link Schedule} starts a checkout every {@code 1/rate} s, each on its own virtual thread,
 *       whether the earlier ones have finished or not: an idle customer adds one unit of the sku and
 *       checks out. Starts later than the tolerance are counted (a start waits for an idle customer,
 *       since a customer's cart takes one checkout at a time: enough customers keep that rare).</li>
 *   <li>After the last slot the run waits until every accepted order has an outcome and every
 *       confirmation is visible, or the deadline has passed since the last acceptance (an order without
 *       an outcome by then counts as timed out). The store's CPU is read from {@code /proc} at the first
 *       slot and at the end (and every second for the chart), its resident memory at the end.</li>
 * </ol>
 */
public final class CheckoutLoad {

    /**
     * @param edge          edge's base URL
     * @param adminPassword the password of {@code admin@example.com}, who receives the stock
     * @param rate          checkouts per second
     * @param duration      how long checkouts start
     * @param customers     customers that take turns
     * @param sku           what they buy
     * @param kafka         the store's Kafka bootstrap servers
     * @param pid           the store's process id (for CPU, memory and the profile)
     * @param out           the directory for {@code report.json}, {@code chart.png} and {@code store.jfr}
     * @param profile       whether to record a JFR profile of the store
     * @param deadline      how long after its acceptance an order may take to settle (the wait ends at the
     *                      deadline of the last one accepted)
     * @param probeInterval the least time between two probes of the views
     * @param lateTolerance how late a start may be without counting as late
     */
    public record Settings(URI edge, String adminPassword, double rate, Duration duration, int customers, String sku,
                           String kafka, long pid, Path out, boolean profile, Duration deadline, Duration probeInterval,
                           Duration lateTolerance) {

        public static final Duration DEADLINE = Duration.ofSeconds(60);
        public static final Duration PROBE_INTERVAL = Duration.ofMillis(50);
        public static final Duration LATE_TOLERANCE = Duration.ofMillis(10);

        /** The defaults for the rest: no profile, the standard deadline, probe interval and tolerance. */
        public Settings(URI edge, String adminPassword, double rate, Duration duration, int customers, String sku,
                        String kafka, long pid, Path out) {
            this(edge, adminPassword, rate, duration, customers, sku, kafka, pid, out, false, DEADLINE, PROBE_INTERVAL,
                    LATE_TOLERANCE);
        }

        /** Checkouts the schedule has. */
        public int checkouts() {
            return (int) Math.round(rate * duration.toMillis() / 1000.0);
        }
    }

    private record Customer(String token, String card) {
    }

    private final Settings settings;
    private final PrintStream out;
    private final EdgeClient edge;
    private final AtomicInteger waitedForCustomer = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong lastAccepted = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

    public CheckoutLoad(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.edge = new EdgeClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build(), settings.edge());
    }

    /** Printed when the first checkout is due: the subscription is open, the customers are ready. */
    public static final String STARTING = "store load: checkouts starting";

    /** The file of the accepted order ids in the report's directory. */
    public static final String ACCEPTED_ORDERS = "accepted-orders.txt";

    /**
     * Runs the load and writes the report; returns 0 if every checkout was accepted and every accepted
     * order has an outcome, else 1.
     */
    public int run() throws InterruptedException {
        LoadReport report = measure();
        out.print(report.summary());
        out.println("  report: " + settings.out().resolve("report.json") + "  chart: " + settings.out().resolve("chart.png"));
        return report.timedOut() == 0 && report.accepted() == report.scheduled() ? 0 : 1;
    }

    /** Runs the load; writes {@code report.json} and {@code chart.png} into the settings' directory. */
    public LoadReport measure() throws InterruptedException {
        int checkouts = settings.checkouts();
        String admin = edge.login(DemoData.ADMIN_EMAIL, settings.adminPassword());
        expect(edge.post("/api/inventory/" + settings.sku() + "/receipts",
                Map.of("quantity", (int) Math.min(1_000_000, checkouts + 100)), admin), "receive stock");
        LinkedBlockingQueue<Customer> idle = new LinkedBlockingQueue<>(customers(admin));
        Customer prober = idle.peek();
        out.printf("store load: %d customers ready; %d checkouts at %.1f/s of %s%n", settings.customers(), checkouts,
                settings.rate(), settings.sku());

        ProcessStats store = new ProcessStats(settings.pid());
        boolean cpuReadable = store.readable();
        if (!cpuReadable) {
            out.println("store load: cannot read /proc/" + settings.pid() + ": no CPU or memory figures");
        } else {
            settle(store);
        }

        Outcomes outcomes = new Outcomes();
        Schedule schedule = new Schedule(Schedule.SYSTEM, settings.rate(), checkouts, settings.lateTolerance());
        Map<String, Integer> refused = new TreeMap<>();
        AtomicInteger refusalsShown = new AtomicInteger();
        List<LoadReport.CpuSample> cpu = new ArrayList<>();
        long end;
        long ordersEventsRecords;
        int probes;
        int unanswered;
        Instant begin;
        long t0;
        StoreProfile profile = null;
        Path recording = null;
        long cpuBefore;
        long cpuAfter;
        Long rss;
        ExecutorService sampler = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("store-load-cpu").daemon().factory());
        try (OrderEvents events = new OrderEvents(settings.kafka(), outcomes::on)) {
            if (settings.profile()) {
                profile = StoreProfile.start(settings.pid(), settings.out().resolve("store.jfr"));
            }
            ViewsProbe probe = new ViewsProbe(edge, prober.token(), outcomes, settings.probeInterval());
            begin = Instant.now();
            out.println(STARTING);
            cpuBefore = cpuReadable ? store.cpuMillis() : 0;
            t0 = System.nanoTime();
            if (cpuReadable) {
                sampler.submit(() -> sampleCpu(store, t0, cpu));
            }
            try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
                schedule.run(slot -> workers.submit(() -> checkout(slot, schedule, idle, outcomes, refused, refusalsShown)));
                workers.shutdown();
                // every checkout's requests end within their HTTP timeouts; then each order has the deadline
                // from its acceptance (the last one's bounds the wait)
                if (!workers.awaitTermination(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("checkouts still running 5 minutes after the last slot");
                }
                outcomes.awaitSettled(lastAccepted.get() + settings.deadline().toNanos());
                end = System.nanoTime();
                // a store killed and started again during the run (benchmarks/crash-store) is another process now
                cpuReadable = cpuReadable && store.readable();
                cpuAfter = cpuReadable ? store.cpuMillis() : 0;
                rss = cpuReadable ? store.rssBytes() : null;
                if (profile != null) {
                    StoreProfile started = profile;
                    profile = null; // stopped once, whatever the outcome
                    recording = started.stop();
                }
            } finally {
                probe.close();
                sampler.shutdownNow();
                sampler.awaitTermination(5, TimeUnit.SECONDS);
            }
            probes = probe.probes();
            unanswered = probe.unanswered();
            ordersEventsRecords = events.records();
            if (events.failure() != null) {
                throw new IllegalStateException("the subscription to orders.events failed: " + events.failure(), events.failure());
            }
        } finally {
            sampler.shutdownNow();
            if (profile != null) { // the run failed: do not leave the recording running in the store
                try {
                    profile.stop();
                } catch (RuntimeException e) {
                    out.println("store load: stopping the profile failed: " + e.getMessage());
                }
            }
        }
        Long cpuMillis = cpuReadable ? cpuAfter - cpuBefore : null;

        double seconds = (end - t0) / 1e9;
        List<Outcomes.Result> results = outcomes.results();
        int accepted = results.size();
        List<String> timedOut = results.stream().filter(r -> r.outcome() == null).map(Outcomes.Result::orderId).toList();
        List<Outcomes.Result> confirmed = results.stream().filter(r -> r.confirmedAt() != null).toList();
        int visible = (int) confirmed.stream().filter(r -> r.visibleAt() != null).count();
        LoadReport report = new LoadReport(begin.toString(),
                new LoadReport.Settings(settings.edge().toString(), settings.kafka(), settings.rate(),
                        (int) settings.duration().toSeconds(), settings.customers(), settings.sku(), settings.pid(),
                        settings.deadline().toSeconds(), settings.probeInterval().toMillis(),
                        settings.lateTolerance().toMillis()),
                checkouts, schedule.startedCount(), schedule.late(), waitedForCustomer.get(), LoadReport.Latency.of(schedule.lateness()),
                accepted, Map.copyOf(refused), outcomes.counts(), confirmed.size(),
                (int) results.stream().filter(Outcomes.Result::delivered).count(), timedOut.size(),
                timedOut.stream().limit(20).toList(), visible, confirmed.size() - visible,
                LoadReport.Latency.of(results.stream().map(Outcomes.Result::intendedToAccepted).toList()),
                LoadReport.Latency.of(confirmed.stream().map(Outcomes.Result::toConfirmed).toList()),
                LoadReport.Latency.of(confirmed.stream().filter(r -> r.visibleAt() != null).map(Outcomes.Result::toVisible).toList()),
                new LoadReport.Store(settings.pid(), cpuMillis,
                        cpuMillis == null || accepted == 0 ? null : (double) cpuMillis / accepted,
                        cpuMillis == null ? null : cpuMillis / 1000.0 / seconds, seconds, rss, cpuSamples(cpu)),
                new LoadReport.Observation(ordersEventsRecords, outcomes.ignored(), outcomes.duplicates(), probes, unanswered,
                        outcomes.cancelledAfterConfirmed()),
                recording == null ? null : recording.toString());
        report.write(settings.out());
        writeAccepted(results);
        LoadChart.write(settings.out().resolve("chart.png"), String.format(java.util.Locale.ROOT,
                "store load %.1f/s for %d s, %s: %d accepted, %s", settings.rate(), settings.duration().toSeconds(),
                begin, accepted, outcomes.counts()), results, begin, seconds, report.store().cpu());
        return report;
    }

    /** The accepted order ids, one a line, into {@code accepted-orders.txt} (what {@code store check --accepted} reads). */
    private void writeAccepted(List<Outcomes.Result> results) {
        try {
            java.nio.file.Files.write(settings.out().resolve(ACCEPTED_ORDERS),
                    results.stream().map(Outcomes.Result::orderId).toList());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void checkout(Schedule.Slot slot, Schedule schedule, LinkedBlockingQueue<Customer> idle, Outcomes outcomes,
                          Map<String, Integer> refused, AtomicInteger refusalsShown) {
        Customer customer = idle.poll();
        try {
            if (customer == null) {
                waitedForCustomer.incrementAndGet();
                customer = idle.take();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            schedule.started(slot, System.nanoTime());
            String status;
            EdgeClient.Response answer = null;
            try {
                EdgeClient.Response added = edge.post("/api/cart/items", Map.of("sku", settings.sku(), "quantity", 1),
                        customer.token());
                answer = added.is2xx() ? edge.post("/api/cart/checkout", Map.of(
                        "shippingAddress", Map.of("name", "Load Test", "line1", "1 Load St", "line2", "",
                                "city", "Testville", "postalCode", "12345", "country", "US"),
                        "cardToken", customer.card()), customer.token()) : added;
                status = Integer.toString(answer.status());
            } catch (IllegalStateException e) {
                status = "error";
                if (refusalsShown.getAndIncrement() < 5) {
                    out.println("store load: checkout failed: " + e.getMessage());
                }
            }
            if (answer != null && answer.status() == 202) {
                long acceptedNanos = System.nanoTime();
                lastAccepted.accumulateAndGet(acceptedNanos, Math::max);
                outcomes.accepted(answer.body().path("orderId").asString(), Instant.now(),
                        Duration.ofNanos(acceptedNanos - slot.due()));
                return;
            }
            synchronized (refused) {
                refused.merge(status, 1, Integer::sum);
            }
            if (answer != null && refusalsShown.getAndIncrement() < 5) {
                out.println("store load: checkout refused: " + answer);
            }
        } finally {
            idle.add(customer);
        }
    }

    /**
     * Registers, logs in and tokenizes a card for each customer, a few at a time. The administrator registers them:
     * accounts limits the registrations from one client address (20 an hour), but not an administrator's.
     */
    private List<Customer> customers(String admin) throws InterruptedException {
        List<Future<Customer>> made = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4, Thread.ofVirtual().factory())) {
            for (int i = 0; i < settings.customers(); i++) {
                int n = i;
                made.add(pool.submit(() -> customer(n, admin)));
            }
        }
        List<Customer> customers = new ArrayList<>();
        for (Future<Customer> customer : made) {
            try {
                customers.add(customer.get());
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
            }
        }
        return customers;
    }

    private Customer customer(int i, String admin) {
        String email = "load-" + i + "-" + UUID.randomUUID() + "@example.com";
        String password = "load-password-" + UUID.randomUUID();
        expect(edge.post("/api/accounts", Map.of("email", email, "name", "Load Customer " + i, "password", password),
                admin), "register " + email);
        String token = edge.login(email, password);
        EdgeClient.Response card = expect(edge.post("/api/payments/tokens", Map.of("number", "4242424242424242",
                "expMonth", 12, "expYear", Year.now().getValue() + 3, "cvc", "123"), token), "tokenize a card");
        return new Customer(token, card.body().get("token").asString());
    }

    /**
     * Waits (up to 15 s) until the store uses less than a third of a core over half a second: the set-up's
     * registrations leave work behind (accounts' events for the views and the functions) that is not the
     * checkouts'.
     */
    private void settle(ProcessStats store) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < until) {
            long before = store.cpuMillis();
            long t = System.nanoTime();
            Schedule.SYSTEM.parkUntil(t + TimeUnit.MILLISECONDS.toNanos(500));
            double cores = (store.cpuMillis() - before) / ((System.nanoTime() - t) / 1e6);
            if (cores < 0.33) {
                return;
            }
        }
        out.println("store load: the store is still busy after the set-up; starting anyway");
    }

    /** Every second: the cores the store kept busy in it. */
    private static void sampleCpu(ProcessStats store, long t0, List<LoadReport.CpuSample> samples) {
        long previous = store.cpuMillis();
        long previousAt = System.nanoTime();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Schedule.SYSTEM.parkUntil(previousAt + TimeUnit.SECONDS.toNanos(1));
                long now = System.nanoTime();
                long cpu = store.cpuMillis();
                synchronized (samples) {
                    samples.add(new LoadReport.CpuSample((now - t0) / 1e9, (cpu - previous) / ((now - previousAt) / 1e6)));
                }
                previous = cpu;
                previousAt = now;
            }
        } catch (InterruptedException e) {
            // the run is over
        }
    }

    private static List<LoadReport.CpuSample> cpuSamples(List<LoadReport.CpuSample> samples) {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    private static EdgeClient.Response expect(EdgeClient.Response response, String what) {
        if (!response.is2xx()) {
            throw new IllegalStateException(what + " failed: " + response);
        }
        return response;
    }
}
