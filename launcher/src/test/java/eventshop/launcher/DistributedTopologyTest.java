package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The distributed topology as {@code ./store up --distributed} starts it ({@link DistributedStore}): PostgreSQL, three
 * Kafka nodes, the Config Server, Eureka, two instances each of carts and orders, one of the others and edge, every
 * one a process of its own, driven only through edge's public API at :8080 (routed through discovery). A checkout,
 * its compensation and the last-units race; then faults, in order: the orders instance that leads (relay, projections,
 * deadlines) killed with SIGKILL during checkouts, the Kafka cluster's active controller killed during 200 checkouts,
 * PostgreSQL restarted. After each kill every service's log is compared with the topics by event id
 * ({@link LogsAndTopics}).
 *
 * <p>It uses the topology's fixed ports (8080–8089, 8184–8185, 8761, 8888, 9092–9097, 5432), like {@code ./store}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedTopologyTest {

    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final String ADMIN_PASSWORD = "distributed-test-admin-" + UUID.randomUUID();

    private static Path dataDir;
    private static DistributedStore store;
    private static PublicShop shop;
    private static final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @BeforeAll
    static void startTheDistributedStore() throws IOException {
        dataDir = Files.createTempDirectory("eventshop-distributed");
        Path root = Path.of("..").toAbsolutePath().normalize();
        store = new DistributedStore(new DistributedStore.Options(root, dataDir, true, false, ADMIN_PASSWORD, null, null,
                null, Map.of("EVENTSHOP_ORDERS_CARRIERDELAY", "200ms",
                // the test registers ~40 customers from 127.0.0.1; accounts allows 20 an hour from one address
                // (eventshop.accounts.limits.registrations-per-client.limit)
                "EVENTSHOP_ACCOUNTS_LIMITS_REGISTRATIONSPERCLIENT_LIMIT", "1000")), new PrintStream(output, true));
        try {
            store.start();
        } catch (RuntimeException e) {
            throw new AssertionError("the distributed store did not start: " + e.getMessage() + "\n" + output, e);
        }
        EdgeClient edge = new EdgeClient(HttpClient.newHttpClient(), store.edgeUrl());
        shop = new PublicShop(edge, edge.login(DemoData.ADMIN_EMAIL, ADMIN_PASSWORD), PATIENCE);
    }

    @AfterAll
    static void stop() throws IOException {
        if (store != null) {
            store.close();
        }
        // every process's log, for a failure's post-mortem: target/distributed-topology-logs
        Path kept = Path.of("target", "distributed-topology-logs");
        Path logs = dataDir.resolve("logs");
        if (Files.isDirectory(logs)) {
            Files.createDirectories(kept);
            try (Stream<Path> files = Files.list(logs)) {
                for (Path log : files.toList()) {
                    Files.copy(log, kept.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.writeString(kept.resolve("launcher.txt"), output.toString());
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    @Order(1)
    void aCheckout_isDelivered_aDeclinedOne_compensated_andTheLastUnits_goToAsManyOrders() throws Exception {
        String sku = shop.product(2_500, 5);
        PublicShop.Customer ada = shop.customer(PublicShop.APPROVES);
        PublicShop.Customer bob = shop.customer(PublicShop.DECLINES);

        String delivered = shop.checkOut(ada, sku, 2);
        String declined = shop.checkOut(bob, sku, 1);

        assertThat(SharedStore.statuses(shop.awaitTerminal(ada, delivered))).containsExactly("PLACED", "STOCK_RESERVED",
                "PAYMENT_AUTHORIZED", "CONFIRMED", "SHIPPED", "DELIVERED");
        JsonNode cancelled = shop.awaitTerminal(bob, declined);
        assertThat(cancelled.get("status").asString()).isEqualTo("CANCELLED");
        assertThat(cancelled.get("cancellationReason").asString()).isEqualTo("PAYMENT_DECLINED");
        assertThat(shop.paymentEvents(delivered)).containsExactly("PaymentAuthorized", "PaymentCaptured");
        await().atMost(PATIENCE).untilAsserted(() -> shop.assertStock(sku, 3, 0));

        // the last 3 units, 8 customers at once: 3 orders, 5 cancelled out of stock, nothing oversold
        String scarce = shop.product(1_000, 3);
        List<PublicShop.Customer> crowd = SharedStore.parallel(8, i -> shop.customer(PublicShop.APPROVES));
        List<String> orders = SharedStore.parallel(8, i -> shop.checkOut(crowd.get(i), scarce, 1));
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < orders.size(); i++) {
            JsonNode order = shop.awaitTerminal(crowd.get(i), orders.get(i));
            outcomes.add(order.get("status").asString() + "/" + order.get("cancellationReason").asString(""));
        }
        assertThat(outcomes).filteredOn(outcome -> outcome.startsWith("DELIVERED")).hasSize(3);
        assertThat(outcomes).filteredOn(outcome -> outcome.equals("CANCELLED/OUT_OF_STOCK")).hasSize(5);
        await().atMost(PATIENCE).untilAsserted(() -> shop.assertStock(scarce, 0, 0));
    }

    @Test
    @Order(2)
    void theOrdersLeaderKilled_duringCheckouts_theOtherTakesOver_everyOrderSettles_noDoubleCapture() throws Exception {
        // the instance that runs orders' relay, projections and deadlines: the harder one to lose
        String leader = leaderOf("orders", "orders-2");
        assertEveryOrderSettles_whileKilled(leader, 10, 1, 1);
        assertThat(leaderOf("orders", "orders-2")).as("the leader after %s was killed", leader).isNotEqualTo(leader);
        assertEveryEventOfEachLog_isOnItsTopic();
    }

    @Test
    @Order(3)
    void theKafkaControllerKilled_during200Checkouts_everyOrderSettles_noEventLost() throws Exception {
        // the active controller (of the KRaft quorum) is also a broker leading some partitions: both move
        String controller;
        try (Admin kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, store.kafkaBootstrap()))) {
            controller = "kafka-" + kafka.describeMetadataQuorum().quorumInfo().get().leaderId();
        }
        assertEveryOrderSettles_whileKilled(controller, 20, 3, 7);
        assertEveryEventOfEachLog_isOnItsTopic();
    }

    @Test
    @Order(4)
    void postgresRestarted_theServicesRecover_andNothingAcknowledgedIsLost() throws Exception {
        String sku = shop.product(1_500, 10);
        PublicShop.Customer ada = shop.customer(PublicShop.APPROVES);
        String before = shop.checkOut(ada, sku, 1);
        shop.awaitTerminal(ada, before);

        store.restartPostgres();

        PublicShop.Customer bea = shop.customer(PublicShop.APPROVES);
        String after = shop.checkOut(bea, sku, 1);
        assertThat(shop.awaitTerminal(bea, after).get("status").asString()).isEqualTo("DELIVERED");
        assertThat(shop.awaitTerminal(ada, before).get("status").asString()).as("an order from before the restart")
                .isEqualTo("DELIVERED");
        assertThat(shop.paymentEvents(before)).containsExactly("PaymentAuthorized", "PaymentCaptured");
        await().atMost(PATIENCE).untilAsserted(() -> shop.assertStock(sku, 8, 0));
    }

    /**
     * {@code customers × (before + after)} checkouts, each customer's one after another and the customers at once;
     * {@code part} killed with SIGKILL once the first {@code before} of each were accepted. Every order settles
     * delivered, none captured twice, and the stock adds up.
     */
    private static void assertEveryOrderSettles_whileKilled(String part, int customers, int before, int after)
            throws Exception {
        int checkouts = customers * (before + after);
        String sku = shop.product(1_000, checkouts);
        List<PublicShop.Customer> crowd = SharedStore.parallel(customers, i -> shop.customer(PublicShop.APPROVES));
        List<List<String>> first = SharedStore.parallel(customers, i -> shop.checkOuts(crowd.get(i), sku, before));
        store.kill(part);
        List<List<String>> second = SharedStore.parallel(customers, i -> shop.checkOuts(crowd.get(i), sku, after));
        int delivered = 0;
        for (int i = 0; i < customers; i++) {
            List<String> orders = new ArrayList<>(first.get(i));
            orders.addAll(second.get(i));
            for (String orderId : orders) {
                JsonNode order = shop.awaitTerminal(crowd.get(i), orderId);
                List<String> payments = shop.paymentEvents(orderId);
                assertThat(payments.stream().filter("PaymentCaptured"::equals).count()).as("captures of %s", orderId)
                        .isLessThanOrEqualTo(1);
                assertThat(order.get("status").asString()).as("order %s with %s killed: %s", orderId, part, order)
                        .isEqualTo("DELIVERED");
                assertThat(payments).as("payments of %s", orderId).contains("PaymentCaptured");
                delivered++;
            }
        }
        assertThat(delivered).isEqualTo(checkouts);
        await().atMost(PATIENCE).untilAsserted(() -> shop.assertStock(sku, 0, 0));
    }

    /** Which of a service's two instances leads its singletons (relay, projections, timers), from their metrics. */
    private static String leaderOf(String first, String second) {
        return await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            List<String> leading = new ArrayList<>();
            for (String instance : List.of(first, second)) {
                if (leads(store.port(instance))) {
                    leading.add(instance);
                }
            }
            return leading;
        }, leading -> leading.size() == 1).getFirst();
    }

    private static boolean leads(int port) throws Exception {
        // the metrics are the admin's only (issue 17): a services token with the admin role, as edge would mint one
        String admin = eventshop.eventsourcing.security.EdgeTokens.fromBase64(store.secrets().tokenSecret(),
                java.time.Clock.systemUTC()).mint(new eventshop.eventsourcing.security.EdgeUser("admin-test",
                DemoData.ADMIN_EMAIL, java.util.Set.of(eventshop.edgetoken.EdgeToken.ADMIN)));
        HttpResponse<String> metrics;
        try {
            metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                    + "/actuator/prometheus")).header("Authorization", "Bearer " + admin).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            return false; // an instance killed leads nothing
        }
        assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
        return metrics.body().lines().anyMatch(line -> line.startsWith("leadership_leading{")
                && line.contains("role=\"singletons\"") && line.endsWith(" 1.0"));
    }

    /**
     * Each service's log against the topics, by event id: every event it publishes is there (at least once, a
     * resend after a crash being at-least-once delivery that receivers deduplicate), none it keeps private, each
     * stream's events in order.
     */
    private static void assertEveryEventOfEachLog_isOnItsTopic() {
        LogsAndTopics.Comparison comparison = await().atMost(PATIENCE).until(() -> {
            try (Connection database = store.connectToDatabase()) {
                return LogsAndTopics.compare(database, store.kafkaBootstrap());
            }
        }, found -> found.missing().isEmpty());
        System.out.println("the logs against the topics: " + comparison);
        assertThat(comparison.logged()).isPositive();
        assertThat(comparison.leaked()).as(comparison.toString()).isEmpty();
        assertThat(comparison.unknown()).as(comparison.toString()).isEmpty();
        assertThat(comparison.outOfOrder()).as(comparison.toString()).isEmpty();
    }
}
