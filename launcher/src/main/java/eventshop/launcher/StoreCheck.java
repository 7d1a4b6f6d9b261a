package eventshop.launcher;

import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * {@code store check}: the invariants a running store must hold whatever happened to it before (a kill -9 in the
 * middle of checkouts, then a restart), each checked from what the store itself recorded, read through edge's
 * operations API (the services' own logs, read by the file engines that own them) and from the broker:
 * <ol>
 * <li><b>settled</b>: every accepted order (every {@code CartCheckedOut} of carts' log, and every order id a client
 *     was answered 202 for, if given) is in orders' log and reaches CONFIRMED, SHIPPED, DELIVERED or CANCELLED
 *     within the wait; none checked out twice, no step of its saga twice;</li>
 * <li><b>payments</b>: no payment stream holds more than one {@code PaymentCaptured};</li>
 * <li><b>stock</b>: per sku, received = available + reserved + shipped, from inventory's log (the sums of
 *     {@code StockReceived} and {@code StockDispatched}, the levels the last event carries), reserved = what is
 *     allocated and neither given back nor dispatched, no order allocated or dispatched twice on one sku, and
 *     inventory's API answering the same levels;</li>
 * <li><b>topics</b>: every published event of every log on its topic, nothing on a topic that no log holds, nothing
 *     private published, each stream in order ({@link LogsAndTopics}); copies beyond the first are resends
 *     (at-least-once delivery after a kill), counted and reported, not a violation;</li>
 * <li><b>views</b>: the views' content hashes equal those of a fresh rebuild from the topics, at the same offsets.</li>
 * </ol>
 * Run it against a quiet store (no load running): it waits for the relays and the sagas to settle.
 */
final class StoreCheck {

    static final List<String> SERVICES = List.of("accounts", "catalog", "inventory", "carts", "orders", "payments");
    static final Set<String> SETTLED = Set.of("OrderConfirmed", "OrderShipped", "OrderDelivered", "OrderCancelled");

    /** What was checked: one verdict per invariant, and the resends seen. */
    record Result(List<Verdict> verdicts, int orders, int events, int resends) {

        boolean held() {
            return verdicts.stream().allMatch(Verdict::held);
        }
    }

    record Verdict(String invariant, boolean held, String detail) {

        @Override
        public String toString() {
            return String.format("  %-9s %s  %s", invariant, held ? "held    " : "VIOLATED", detail);
        }
    }

    /** An event of a log as the operations API lists it. */
    record Event(long position, String streamId, long version, String type, String eventId, JsonNode data) {
    }

    private final EdgeClient edge;
    private final String adminPassword;
    private final String kafka;
    private final Set<String> acceptedByClient;
    private final Duration wait;
    private final PrintStream out;
    private final Map<String, List<Event>> logs = new TreeMap<>();
    private String admin;

    /**
     * @param acceptedByClient order ids a client was answered 202 for (may be empty)
     * @param wait             how long orders may take to settle and relays to catch up, from now
     */
    StoreCheck(URI edgeUrl, String adminPassword, String kafka, Set<String> acceptedByClient, Duration wait,
               PrintStream out) {
        this.edge = new EdgeClient(HttpClient.newHttpClient(), edgeUrl);
        this.adminPassword = adminPassword;
        this.kafka = kafka;
        this.acceptedByClient = Set.copyOf(acceptedByClient);
        this.wait = wait;
        this.out = out;
    }

    Result run() throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        admin = login(deadline);
        List<Verdict> verdicts = new ArrayList<>();
        Map<String, String> states = settle(deadline);
        verdicts.add(settled(states, logs.get("carts"), logs.get("orders"), acceptedByClient));
        refresh("payments");
        verdicts.add(payments(logs.get("payments")));
        refresh("inventory");
        verdicts.add(stock(logs.get("inventory"), sku -> {
            EdgeClient.Response level = edge.get("/api/inventory/" + sku, null);
            return level.status() == 200 ? level.body() : null;
        }));
        LogsAndTopics.Comparison comparison = topics(deadline);
        verdicts.add(new Verdict("topics", comparison.missing().isEmpty() && comparison.leaked().isEmpty()
                && comparison.unknown().isEmpty() && comparison.outOfOrder().isEmpty(), comparison.toString()));
        verdicts.add(views());
        int resends = comparison.duplicates().values().stream().mapToInt(copies -> copies - 1).sum();
        return new Result(verdicts, states.size(), logs.values().stream().mapToInt(List::size).sum(), resends);
    }

    /** Prints the verdicts; 0 if every invariant held, else 1. */
    static int report(Result result, PrintStream out) {
        out.printf("store check: %d accepted orders, %d events in the logs, %d resends on the topics%n", result.orders(),
                result.events(), result.resends());
        result.verdicts().forEach(out::println);
        out.println(result.held() ? "store check: every invariant held" : "store check: VIOLATED");
        return result.held() ? 0 : 1;
    }

    private String login(long deadline) throws InterruptedException {
        while (true) {
            try {
                return edge.login(DemoData.ADMIN_EMAIL, adminPassword);
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    // ---- 1. every accepted order settles

    /** Waits until every accepted order has settled or the deadline passes; each accepted order's last step. */
    private Map<String, String> settle(long deadline) throws InterruptedException {
        while (true) {
            refresh("carts");
            refresh("orders");
            Map<String, String> states = orderStates(logs.get("carts"), logs.get("orders"), acceptedByClient);
            boolean all = states.values().stream().allMatch(SETTLED::contains);
            if (all || System.nanoTime() > deadline) {
                return states;
            }
            Thread.sleep(500);
        }
    }

    /** Every accepted order id and its settling step (or its last step, or {@code not in orders' log}). */
    static Map<String, String> orderStates(List<Event> carts, List<Event> orders, Set<String> acceptedByClient) {
        Set<String> accepted = new LinkedHashSet<>();
        for (Event event : carts) {
            if (event.type().equals("CartCheckedOut")) {
                accepted.add(event.data().path("orderId").asString());
            }
        }
        accepted.addAll(acceptedByClient);
        Map<String, String> last = new HashMap<>();
        for (Event event : orders) {
            if (event.streamId().startsWith("order-") && event.type().startsWith("Order")) {
                String orderId = event.streamId().substring("order-".length());
                String previous = last.get(orderId);
                // the first settling step is what counts: an order confirmed, then shipped, stays settled
                if (previous == null || !SETTLED.contains(previous)) {
                    last.put(orderId, event.type());
                }
            }
        }
        Map<String, String> states = new LinkedHashMap<>();
        for (String orderId : accepted) {
            states.put(orderId, last.getOrDefault(orderId, "not in orders' log"));
        }
        return states;
    }

    /**
     * Whether every accepted order settled, and none was taken twice: no order id checked out by two
     * {@code CartCheckedOut}, no step of the saga twice in one order's stream.
     */
    static Verdict settled(Map<String, String> states, List<Event> carts, List<Event> orders,
                           Set<String> acceptedByClient) {
        Map<String, Integer> steps = new TreeMap<>();
        carts.stream().filter(event -> event.type().equals("CartCheckedOut"))
                .forEach(event -> steps.merge("CartCheckedOut " + event.data().path("orderId").asString(), 1, Integer::sum));
        orders.stream().filter(event -> event.streamId().startsWith("order-") && event.type().startsWith("Order"))
                .forEach(event -> steps.merge(event.type() + " " + event.streamId(), 1, Integer::sum));
        List<String> twice = steps.entrySet().stream().filter(entry -> entry.getValue() > 1)
                .map(entry -> entry.getKey() + " x" + entry.getValue()).limit(5).toList();
        Map<String, Long> byState = new TreeMap<>();
        states.values().forEach(state -> byState.merge(state, 1L, Long::sum));
        List<String> unsettled = states.entrySet().stream().filter(entry -> !SETTLED.contains(entry.getValue()))
                .map(entry -> entry.getKey() + " " + entry.getValue()).limit(5).toList();
        Set<String> missingFromCarts = new LinkedHashSet<>(acceptedByClient);
        carts.stream().filter(event -> event.type().equals("CartCheckedOut"))
                .forEach(event -> missingFromCarts.remove(event.data().path("orderId").asString()));
        boolean held = unsettled.isEmpty() && missingFromCarts.isEmpty() && twice.isEmpty();
        return new Verdict("settled", held, states.size() + " accepted orders (" + acceptedByClient.size()
                + " answered 202 to this run's client), by their settling step: " + byState
                + (unsettled.isEmpty() ? "" : "; unsettled after the wait: " + unsettled)
                + (missingFromCarts.isEmpty() ? "" : "; answered 202 but no CartCheckedOut: " + missingFromCarts)
                + (twice.isEmpty() ? "" : "; taken twice: " + twice));
    }

    // ---- 2. no payment captured twice

    static Verdict payments(List<Event> payments) {
        Map<String, Integer> captures = new HashMap<>();
        for (Event event : payments) {
            if (event.type().equals("PaymentCaptured")) {
                captures.merge(event.streamId(), 1, Integer::sum);
            }
        }
        List<String> twice = captures.entrySet().stream().filter(entry -> entry.getValue() > 1)
                .map(entry -> entry.getKey() + " x" + entry.getValue()).toList();
        return new Verdict("payments", twice.isEmpty(), captures.size() + " payments captured"
                + (twice.isEmpty() ? ", none twice" : "; captured more than once: " + twice));
    }

    // ---- 3. stock adds up

    /** @param answered what inventory's API answers for a sku ({@code onHand}, {@code reserved}), null if not 200 */
    static Verdict stock(List<Event> inventory, Function<String, JsonNode> answered) {
        record Levels(long received, long shipped, long allocated, long onHand, long reserved) {
        }
        Map<String, long[]> sums = new TreeMap<>(); // received, shipped, allocated - deallocated - dispatched, onHand, reserved
        Map<String, Integer> allocations = new HashMap<>();
        Map<String, Integer> dispatches = new HashMap<>();
        for (Event event : inventory) {
            if (!event.streamId().startsWith("stock-")) {
                continue;
            }
            String sku = event.streamId().substring("stock-".length());
            long[] sum = sums.computeIfAbsent(sku, any -> new long[5]);
            JsonNode data = event.data();
            long quantity = data.path("quantity").asLong();
            String order = sku + " order " + data.path("orderId").asString();
            switch (event.type()) {
                case "StockReceived" -> sum[0] += quantity;
                case "StockAllocated" -> {
                    sum[2] += quantity;
                    allocations.merge(order, 1, Integer::sum);
                }
                case "StockDeallocated" -> sum[2] -= quantity;
                case "StockDispatched" -> {
                    sum[1] += quantity;
                    sum[2] -= quantity;
                    dispatches.merge(order, 1, Integer::sum);
                }
                default -> {
                    // a type this check does not know carries levels all the same
                }
            }
            if (data.has("onHand")) {
                sum[3] = data.path("onHand").asLong();
                sum[4] = data.path("reserved").asLong();
            }
        }
        List<String> wrong = new ArrayList<>();
        sums.forEach((sku, sum) -> {
            Levels levels = new Levels(sum[0], sum[1], sum[2], sum[3], sum[4]);
            long available = levels.onHand() - levels.reserved();
            if (levels.received() != available + levels.reserved() + levels.shipped()
                    || levels.reserved() != levels.allocated() || available < 0) {
                wrong.add(sku + " " + levels);
            }
        });
        allocations.forEach((order, count) -> {
            if (count > 1) {
                wrong.add(order + " allocated " + count + " times");
            }
        });
        dispatches.forEach((order, count) -> {
            if (count > 1) {
                wrong.add(order + " dispatched " + count + " times");
            }
        });
        for (String sku : sums.keySet()) {
            long[] sum = sums.get(sku);
            JsonNode level = answered.apply(sku);
            if (level == null || level.path("onHand").asLong() != sum[3] || level.path("reserved").asLong() != sum[4]) {
                wrong.add(sku + ": the log says on hand " + sum[3] + ", reserved " + sum[4] + ", inventory answers "
                        + level);
            }
        }
        String totals = sums.size() + " skus; received " + sums.values().stream().mapToLong(sum -> sum[0]).sum()
                + " = available " + sums.values().stream().mapToLong(sum -> sum[3] - sum[4]).sum()
                + " + reserved " + sums.values().stream().mapToLong(sum -> sum[4]).sum()
                + " + shipped " + sums.values().stream().mapToLong(sum -> sum[1]).sum();
        return new Verdict("stock", wrong.isEmpty(), totals + (wrong.isEmpty() ? "" : "; wrong: "
                + wrong.subList(0, Math.min(5, wrong.size())) + (wrong.size() > 5 ? " and " + (wrong.size() - 5) + " more" : "")));
    }

    // ---- 4. every log on its topics

    /**
     * The comparison once nothing is missing from the topics (the relays caught up), or at the deadline. The topics are
     * read before the logs: an event appended (and sent) between the two reads is then at worst missing from this
     * read of the topics, which the next attempt finds, never "sent but in no log" (a saga still moving, an order
     * delivered during the check, made exactly that false alarm in round 16 of the first soak).
     */
    private LogsAndTopics.Comparison topics(long deadline) throws Exception {
        while (true) {
            List<LogsAndTopics.Sent> sent = LogsAndTopics.sent(kafka, Set.copyOf(SERVICES));
            SERVICES.forEach(this::refresh);
            Map<String, List<LogsAndTopics.Logged>> logged = new TreeMap<>();
            logs.forEach((service, events) -> logged.put(service, events.stream()
                    .map(event -> new LogsAndTopics.Logged(service, event.eventId(), event.type(), event.streamId(),
                            event.version())).toList()));
            LogsAndTopics.Comparison comparison = LogsAndTopics.compare(logged, sent);
            if (comparison.missing().isEmpty() || System.nanoTime() > deadline) {
                return comparison;
            }
            Thread.sleep(1000);
        }
    }

    // ---- 5. the views equal a fresh rebuild

    /**
     * The views' hashes now against those of a rebuild from the topics, taken at the same offsets; tried again (up to
     * three times) when records arrived between the two (the sagas still moving).
     */
    private Verdict views() throws InterruptedException {
        String detail = "";
        for (int attempt = 1; attempt <= 3; attempt++) {
            JsonNode before = viewsHash();
            EdgeClient.Response started = edge.post("/api/views/rebuild", null, admin);
            if (!started.is2xx()) {
                return new Verdict("views", false, "the rebuild was refused: " + started);
            }
            int generation = started.body().path("rebuild").path("generation").asInt(-1);
            long t0 = System.nanoTime();
            JsonNode status;
            do {
                Thread.sleep(300);
                status = edge.get("/api/views/status", admin).body();
                if (System.nanoTime() - t0 > Duration.ofMinutes(5).toNanos()) {
                    return new Verdict("views", false, "the rebuild did not finish within 5 minutes: " + status);
                }
            } while (status.has("rebuild") && !status.get("rebuild").isNull());
            if (status.path("generation").asInt() != generation) {
                return new Verdict("views", false, "the rebuild did not take over: " + status);
            }
            JsonNode after = viewsHash();
            if (after.path("offsets").equals(before.path("offsets"))) {
                boolean same = after.path("views").equals(before.path("views"));
                return new Verdict("views", same, "generation " + before.path("generation") + " and its rebuild "
                        + generation + " at " + after.path("records") + " records: "
                        + (same ? "same hashes over " + after.path("views").size() + " tables"
                        : "hashes differ: before " + before.path("views") + ", rebuilt " + after.path("views")));
            }
            detail = "records arrived during the rebuild " + attempt + " times";
        }
        return new Verdict("views", false, "not compared: " + detail);
    }

    private JsonNode viewsHash() {
        EdgeClient.Response hash = edge.get("/api/views/hash", admin);
        if (hash.status() != 200) {
            throw new IllegalStateException("GET /api/views/hash answered " + hash);
        }
        return hash.body();
    }

    // ---- the logs, read through the operations API

    /** Reads the events of the service's log appended since the last read. */
    private void refresh(String service) {
        List<Event> log = logs.computeIfAbsent(service, any -> new ArrayList<>());
        // the first page: the event at position 0, the only page `before` gives from the start
        String path = log.isEmpty() ? "/api/ops/" + service + "/events?before=1&limit=1"
                : "/api/ops/" + service + "/events?after=" + log.getLast().position() + "&limit=200";
        while (path != null) {
            EdgeClient.Response page = edge.get(path, admin);
            if (page.status() == 401) {
                admin = edge.login(DemoData.ADMIN_EMAIL, adminPassword);
                continue;
            }
            if (page.status() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + page);
            }
            for (JsonNode event : page.body().path("events")) {
                long position = event.path("position").asLong();
                if (log.isEmpty() || position > log.getLast().position()) {
                    log.add(new Event(position, event.path("streamId").asString(), event.path("version").asLong(),
                            event.path("type").asString(), event.path("eventId").asString(), event.path("data")));
                }
            }
            long head = page.body().path("head").asLong(-1);
            path = log.isEmpty() || log.getLast().position() >= head ? null
                    : "/api/ops/" + service + "/events?after=" + log.getLast().position() + "&limit=200";
        }
    }
}
