package eventshop.launcher.load;

import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.Year;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * {@code store load}: checkouts at a fixed rate against a running store, through edge's public API
 * only, and the time from "checkout accepted" (the 202 reaching the client) to the order's CONFIRMED
 * (the timestamp of that status in the order's timeline, recorded by the orders service). Client and
 * store share the machine's clock, so the difference is the saga's end-to-end time: CartCheckedOut
 * relayed to Kafka, the order placed, stock reserved by inventory, payment authorized by payments,
 * each one Kafka hop away.
 *
 * <p>Set-up first (not measured): the admin receives enough stock of the sku, and {@code customers}
 * new customers register, log in and tokenize the test card that authorizes. Then every
 * {@code 1/rate} s an idle customer adds one unit to the cart and checks out. A poller follows the
 * accepted orders until each is CONFIRMED (or later) or CANCELLED.
 */
public final class CheckoutLoad {

    /**
     * @param edge          edge's base URL
     * @param adminPassword the password of {@code admin@example.com}, who receives the stock
     * @param rate          checkouts per second
     * @param duration      how long checkouts start
     * @param customers     customers that take turns
     * @param sku           what they buy
     */
    public record Settings(URI edge, String adminPassword, double rate, Duration duration, int customers, String sku) {
    }

    private record Accepted(String orderId, Instant at, String token) {
    }

    private static final Duration POLL = Duration.ofMillis(500);

    private final Settings settings;
    private final PrintStream out;
    private final EdgeClient edge;

    public CheckoutLoad(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.edge = new EdgeClient(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                settings.edge());
    }

    /** Runs the load; returns 0 if every accepted order reached a terminal or confirmed state. */
    public int run() throws InterruptedException {
        long checkouts = Math.round(settings.rate() * settings.duration().toSeconds());
        String admin = edge.login(DemoData.ADMIN_EMAIL, settings.adminPassword());
        expect(edge.post("/api/inventory/" + settings.sku() + "/receipts",
                Map.of("quantity", (int) Math.min(1_000_000, checkouts + 100)), admin), "receive stock");
        LinkedBlockingQueue<String[]> idle = new LinkedBlockingQueue<>();
        for (int i = 0; i < settings.customers(); i++) {
            idle.add(customer(i));
        }
        out.printf("store load: %d customers ready; %d checkouts at %.1f/s of %s%n", settings.customers(), checkouts,
                settings.rate(), settings.sku());

        Map<String, Accepted> pending = new ConcurrentHashMap<>();
        List<Accepted> all = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        var workers = Executors.newVirtualThreadPerTaskExecutor();
        long periodNanos = Math.round(1e9 / settings.rate());
        Instant begin = Instant.now();
        ticks.scheduleAtFixedRate(() -> {
            if (started.getAndIncrement() >= checkouts) {
                return;
            }
            workers.submit(() -> {
                String[] customer;
                try {
                    customer = idle.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                try {
                    String token = customer[0];
                    EdgeClient.Response added = edge.post("/api/cart/items", Map.of("sku", settings.sku(), "quantity", 1),
                            token);
                    EdgeClient.Response checkedOut = added.is2xx() ? edge.post("/api/cart/checkout", Map.of(
                            "shippingAddress", Map.of("name", "Load Test", "line1", "1 Load St", "line2", "",
                                    "city", "Testville", "postalCode", "12345", "country", "US"),
                            "cardToken", customer[1]), token) : added;
                    Instant at = Instant.now();
                    if (checkedOut.status() == 202) {
                        Accepted accepted = new Accepted(checkedOut.body().get("orderId").asString(), at, token);
                        pending.put(accepted.orderId(), accepted);
                        all.add(accepted);
                    } else {
                        refused.incrementAndGet();
                        out.println("store load: checkout refused: " + checkedOut);
                    }
                } finally {
                    idle.add(customer);
                }
            });
        }, 0, periodNanos, TimeUnit.NANOSECONDS);

        Histogram confirmed = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + settings.duration().toNanos() + TimeUnit.SECONDS.toNanos(120);
        // each pending order is looked at every POLL at most: the latency comes from the order's own
        // timeline, so polling faster would only load the store being measured
        Map<String, Long> nextPoll = new HashMap<>();
        while (System.nanoTime() < deadline && (started.get() < checkouts || !pending.isEmpty())) {
            for (Accepted accepted : List.copyOf(pending.values())) {
                long now = System.nanoTime();
                if (nextPoll.getOrDefault(accepted.orderId(), 0L) > now) {
                    continue;
                }
                nextPoll.put(accepted.orderId(), now + POLL.toNanos());
                EdgeClient.Response order = edge.get("/api/orders/" + accepted.orderId(), accepted.token());
                if (order.status() != 200) {
                    continue; // not placed yet
                }
                String status = order.body().path("status").asString("");
                Instant confirmedAt = timelineAt(order.body(), "CONFIRMED");
                if (confirmedAt != null || status.equals("CANCELLED")) {
                    pending.remove(accepted.orderId());
                    nextPoll.remove(accepted.orderId());
                    outcomes.merge(confirmedAt != null ? "CONFIRMED" : "CANCELLED "
                            + order.body().path("cancellationReason").asString(""), 1, Integer::sum);
                    if (confirmedAt != null) {
                        confirmed.recordValue(Math.max(0, Duration.between(accepted.at(), confirmedAt).toNanos() / 1000));
                    }
                }
            }
            Thread.sleep(20);
        }
        ticks.shutdownNow();
        workers.shutdown();
        Duration took = Duration.between(begin, Instant.now());

        out.printf("store load: %d accepted, %d refused, in %.1f s; outcomes %s; %d not finished%n", all.size(),
                refused.get(), took.toMillis() / 1000.0, outcomes, pending.size());
        if (confirmed.getTotalCount() > 0) {
            out.printf("checkout accepted -> CONFIRMED (ms): p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  (n=%d)%n",
                    confirmed.getValueAtPercentile(50) / 1000.0, confirmed.getValueAtPercentile(90) / 1000.0,
                    confirmed.getValueAtPercentile(99) / 1000.0, confirmed.getMaxValue() / 1000.0,
                    confirmed.getTotalCount());
        }
        return pending.isEmpty() && refused.get() == 0 ? 0 : 1;
    }

    /** Registers, logs in and tokenizes a card: {token, cardToken}. */
    private String[] customer(int i) {
        String email = "load-" + i + "-" + UUID.randomUUID() + "@example.com";
        String password = "load-password-" + UUID.randomUUID();
        expect(edge.post("/api/accounts", Map.of("email", email, "name", "Load Customer " + i, "password", password),
                null), "register " + email);
        String token = edge.login(email, password);
        EdgeClient.Response card = expect(edge.post("/api/payments/tokens", Map.of("number", "4242424242424242",
                "expMonth", 12, "expYear", Year.now().getValue() + 3, "cvc", "123"), token), "tokenize a card");
        return new String[] {token, card.body().get("token").asString()};
    }

    private static Instant timelineAt(JsonNode order, String status) {
        for (JsonNode step : order.path("timeline")) {
            if (status.equals(step.path("status").asString(""))) {
                return Instant.parse(step.path("at").asString());
            }
        }
        return null;
    }

    private static EdgeClient.Response expect(EdgeClient.Response response, String what) {
        if (!response.is2xx()) {
            throw new IllegalStateException(what + " failed: " + response);
        }
        return response;
    }
}
