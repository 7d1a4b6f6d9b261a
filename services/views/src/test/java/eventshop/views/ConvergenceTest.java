package eventshop.views;

import static eventshop.views.Events.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.views.Events.Fate;
import eventshop.eventsourcing.projection.Projections;
import eventshop.views.model.Views;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

/**
 * The views converge: after a burst of 500 orders (most also checked out on carts.events, before or
 * after their orders' events) to the same content as a fresh rebuild; a rebuild
 * while orders keep arriving switches without losing any; a replica started late (its own database)
 * catches up to the same content hash.
 */
@ViewsTest
class ConvergenceTest {

    @Autowired
    Projections projections;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MockMvcTester mvc;
    @Autowired
    EdgeTokens tokens;

    final Events events = Events.INSTANCE;
    final EdgeUser admin = EdgeUser.admin("admin-1", "admin@example.com");

    /** Publishes {@code count} orders over two skus of its own; answers the skus. */
    List<String> orders(int count, AtomicInteger published, long pauseMillis) {
        String prefix = "SKU-" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        List<String> skus = List.of(prefix + "-A", prefix + "-B");
        skus.forEach(sku -> {
            events.product(sku, "Burst " + sku, 300);
            events.stock(sku, 100_000);
        });
        for (int i = 0; i < count; i++) {
            String customer = "burst-customer-" + (i % 37);
            String orderId = UUID.randomUUID().toString();
            List<eventshop.contracts.orders.OrderLine> lines = i % 2 == 0
                    ? List.of(line(skus.get(0), 1, 300)) : List.of(line(skus.get(0), 2, 300), line(skus.get(1), 1, 300));
            // most orders come from a checkout (on carts.events, read independently of orders.events), some
            // published before the order's events and some after, so replicas see them interleaved differently
            if (i % 3 == 0) {
                events.checkout(customer, orderId, lines);
            }
            events.order(customer, orderId, lines, Events.fate(i));
            if (i % 3 == 1) {
                events.checkout(customer, orderId, lines);
            }
            published.incrementAndGet();
            if (pauseMillis > 0) {
                pause(pauseMillis);
            }
        }
        events.flush();
        return skus;
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sales of {@code sku} on the serving generation: orders, units. */
    long[] sales(Projections projections, JdbcTemplate jdbc, String sku) {
        return projections.read(Views.NAME, tables -> jdbc.query(tables.sql("SELECT orders, units FROM {sales_by_product}"
                + " WHERE sku = ?"), (rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}, sku)
                .stream().findFirst().orElse(new long[] {0, 0}));
    }

    void rebuild() {
        assertThat(mvc.post().uri("/api/views/rebuild").header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.mint(admin))
                .exchange()).hasStatus(HttpStatus.ACCEPTED);
    }

    boolean tableExists(String name) {
        Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_NAME) = ?",
                Integer.class, name.toUpperCase());
        return count != null && count > 0;
    }

    @Test
    void aBurstOf500Orders_convergesToTheSameContentAsAFreshRebuild() {
        // given
        List<String> skus = orders(500, new AtomicInteger(), 0);
        Snapshot live = Snapshot.caughtUp(projections, jdbc);
        // 6 of every 10 orders are sales (shipped, confirmed, delivered); odd orders have both skus, 2 + 1 units
        assertThat(sales(projections, jdbc, skus.get(0))).containsExactly(300, 450);
        assertThat(sales(projections, jdbc, skus.get(1))).containsExactly(150, 150);

        // when
        rebuild();
        await().atMost(Duration.ofSeconds(90)).until(() -> projections.status(Views.NAME).active().generation() > live.generation());
        Snapshot rebuilt = Snapshot.caughtUp(projections, jdbc);

        // then
        assertThat(rebuilt.generation()).isGreaterThan(live.generation());
        assertThat(rebuilt.records()).isEqualTo(live.records());
        assertThat(rebuilt.hash()).isEqualTo(live.hash());
        assertThat(sales(projections, jdbc, skus.get(0))).containsExactly(300, 450);
        await().atMost(Duration.ofSeconds(10)).until(() -> !tableExists("order_history_g" + live.generation()));
    }

    @Test
    void aRebuildWhileOrdersKeepArriving_switchesWithoutLosingAny_andALateReplicaCatchesUpToTheSameContent()
            throws Exception {
        // given
        AtomicInteger published = new AtomicInteger();
        List<List<String>> skus = new java.util.ArrayList<>();
        Thread publisher = Thread.ofPlatform().start(() -> {
            for (int round = 0; round < 6; round++) {
                skus.add(orders(50, published, 15)); // about 5 s of arrivals, across the rebuild
            }
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> published.get() >= 60);
        int before = projections.status(Views.NAME).active().generation();

        // when
        rebuild();
        assertThat(published.get()).as("orders still arriving when the rebuild started").isLessThan(300);
        publisher.join();
        await().atMost(Duration.ofSeconds(90)).until(() -> projections.status(Views.NAME).active().generation() > before);
        Snapshot main = Snapshot.caughtUp(projections, jdbc);

        // then
        for (List<String> round : skus) {
            assertThat(sales(projections, jdbc, round.get(0))).containsExactly(30, 45);
        }
        try (ConfigurableApplicationContext replica = TestKafka.replica("views-late-" + UUID.randomUUID())) {
            Snapshot late = Snapshot.caughtUp(replica);
            assertThat(late.records()).isEqualTo(main.records());
            assertThat(late.hash()).isEqualTo(main.hash());
            assertThat(late.generation()).isEqualTo(1);
        }
    }
}
