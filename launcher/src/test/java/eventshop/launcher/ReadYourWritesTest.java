package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.launcher.SharedStore.Customer;
import eventshop.launcher.client.EdgeClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Read-your-writes across services, end to end through edge (DESIGN §6, issue 11): a command's
 * {@code Consistency-Token}, sent back at once with the read the customer looks at next, shows the
 * command's effect, although that read is fed by another service's consumer, and although those
 * consumers are made late ({@link SlowConsumer}: 50–300 ms on every poll of orders' consumer of
 * carts.events, catalog's of inventory.events, carts' of catalog.events and the views' feed) while other
 * customers' checkouts keep running. 200 rounds, four at a time, each:
 * <ol>
 *   <li>checkout → {@code GET /api/orders} (views) lists the new order first, and
 *       {@code GET /api/orders/{id}} (orders) answers it;</li>
 *   <li>inventory receipt → {@code GET /api/catalog/products/{sku}} (catalog) shows the new availability;</li>
 *   <li>price change → {@code GET /api/cart} (carts) shows the new price.</li>
 * </ol>
 * A miss is an answer without the effect (or any other error). A 503 {@code not-yet-consistent} is the
 * honest answer of a read whose consumer did not get there within the bounded wait: the client sends
 * the read again with the same token, as {@code Retry-After} says; it is counted, not a miss.
 */
class ReadYourWritesTest {

    private static final int ROUNDS = 200;
    private static final int WORKERS = 4;
    private static final int BACKGROUND_CUSTOMERS = 2;
    private static final int MAX_ATTEMPTS = 10;

    private static SharedStore shop;
    private static EdgeClient edge;

    private final List<String> misses = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicInteger notYet = new AtomicInteger();

    @BeforeAll
    static void lateConsumers() {
        shop = SharedStore.get();
        edge = shop.edge;
        SlowConsumer.on = true;
    }

    @AfterAll
    static void consumersOnTimeAgain() {
        SlowConsumer.on = false;
    }

    /** What one worker uses: a buyer, a shopper whose cart holds a product being repriced, a sku only received. */
    private record Worker(int index, Customer buyer, Customer shopper, String repriced, String received) {
    }

    @Test
    void everyCommandsToken_showsItsEffect_inTheNextRead_withLateConsumersAndOtherCustomersLoad() throws Exception {
        // given
        String sold = shop.product(500, 1_000_000);
        List<Worker> workers = SharedStore.parallel(WORKERS, i -> {
            Worker worker = new Worker(i, shop.customer(SharedStore.APPROVES), shop.customer(SharedStore.APPROVES),
                    shop.product(1_000, 1_000), shop.product(100, 1));
            shop.addToCart(worker.shopper(), worker.repriced(), 1);
            return worker;
        });
        long delayedBefore = SlowConsumer.DELAYED.get();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger backgroundCheckouts = new AtomicInteger();

        // when other customers keep checking out, and the workers run their rounds
        try (ExecutorService background = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> load = new ArrayList<>();
            for (int i = 0; i < BACKGROUND_CUSTOMERS; i++) {
                load.add(background.submit(() -> checkOutWhile(running, sold, backgroundCheckouts)));
            }
            try {
                SharedStore.parallel(WORKERS, i -> {
                    for (int round = i; round < ROUNDS; round += WORKERS) {
                        round(workers.get(i), sold, round);
                    }
                    return null;
                });
            } finally {
                running.set(false);
            }
            for (Future<?> future : load) {
                future.get(SharedStore.PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
        }

        // then
        System.out.printf("ReadYourWritesTest: %d rounds, %d reads with a token, %d answered 503 first and were"
                        + " sent again, %d misses; %d background checkouts; %d consumer polls held back%n", ROUNDS,
                reads.get(), notYet.get(), misses.size(), backgroundCheckouts.get(),
                SlowConsumer.DELAYED.get() - delayedBefore);
        assertThat(misses).as("reads with a command's token that did not show its effect").isEmpty();
        assertThat(reads.get()).isEqualTo(4 * ROUNDS);
        assertThat(SlowConsumer.DELAYED.get() - delayedBefore).as("the consumers were made late").isPositive();
        assertThat(backgroundCheckouts.get()).as("other customers' load ran").isPositive();
    }

    private void round(Worker worker, String sold, int round) {
        // 1. checkout → the order history (views) and the order (orders)
        shop.addToCart(worker.buyer(), sold, 1);
        EdgeClient.Response accepted = edge.send("POST", "/api/cart/checkout",
                SharedStore.checkoutBody(worker.buyer().card()), worker.buyer().session(),
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(accepted.status()).as("checkout: %s", accepted).isEqualTo(202);
        String orderId = accepted.body().get("orderId").asString();
        String checkout = token(accepted);
        check(round, "GET /api/orders", "/api/orders?size=5", worker.buyer().session(), checkout,
                list -> list.get("items").size() > 0 && list.get("items").get(0).get("orderId").asString().equals(orderId),
                "lists order " + orderId + " first");
        check(round, "GET /api/orders/{id}", "/api/orders/" + orderId, worker.buyer().session(), checkout,
                order -> order.get("orderId").asString().equals(orderId), "answers order " + orderId);

        // 2. inventory receipt → the product's availability (catalog)
        EdgeClient.Response receipt = edge.post("/api/inventory/" + worker.received() + "/receipts",
                Map.of("quantity", 1), shop.admin);
        assertThat(receipt.status()).as("receipt: %s", receipt).isEqualTo(200);
        long available = receipt.body().get("available").asLong();
        check(round, "GET /api/catalog/products/{sku}", "/api/catalog/products/" + worker.received(), null,
                token(receipt), product -> product.get("available").asLong() == available, "shows available "
                        + available);

        // 3. price change → the cart's price (carts)
        long price = 2_000L + 1_000L * worker.index() + round;
        EdgeClient.Response repriced = edge.put("/api/catalog/products/" + worker.repriced() + "/price",
                Map.of("priceCents", price), shop.admin);
        assertThat(repriced.status()).as("price change: %s", repriced).isEqualTo(200);
        check(round, "GET /api/cart", "/api/cart", worker.shopper().session(), token(repriced),
                cart -> cart.get("lines").size() == 1
                        && cart.get("lines").get(0).get("unitPriceCents").asLong() == price, "shows price " + price);
    }

    private static String token(EdgeClient.Response command) {
        String token = command.header("Consistency-Token");
        assertThat(token).as("the command's Consistency-Token: %s", command).isNotBlank();
        return token;
    }

    /**
     * Reads {@code path} with {@code token} at once; a 503 not-yet-consistent is sent again with the
     * same token (the server waits, bounded, each time); anything but a 200 showing the effect is a miss.
     */
    private void check(int round, String read, String path, String session, String token,
                       java.util.function.Predicate<JsonNode> showsTheEffect, String effect) {
        reads.incrementAndGet();
        EdgeClient.Response answer = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            answer = edge.send("GET", path, null, session, Map.of("Consistency-Token", token));
            if (answer.status() != 503) {
                break;
            }
            if (attempt == 1) {
                notYet.incrementAndGet();
            }
        }
        if (answer.status() != 200 || !showsTheEffect.test(answer.body())) {
            misses.add("round " + round + ": " + read + " with " + token + " should have " + effect + ", answered "
                    + answer);
        }
    }

    /** A customer of the background load: checks out again and again while {@code running}. */
    private static void checkOutWhile(AtomicBoolean running, String sku, AtomicInteger checkouts) {
        Customer customer = shop.customer(SharedStore.APPROVES);
        while (running.get()) {
            shop.checkOut(customer, sku, 1);
            checkouts.incrementAndGet();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300)); // pacing the load, not waiting for a condition
        }
    }
}
