package eventshop.orders.deadlines;

import static eventshop.orders.Fixtures.checkout;
import static eventshop.orders.Fixtures.events;
import static eventshop.orders.Fixtures.message;
import static eventshop.orders.Fixtures.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.contracts.orders.CancellationReason;
import eventshop.eventsourcing.leadership.AdvisoryLockLeadership;
import eventshop.eventsourcing.leadership.Leadership;
import eventshop.eventstore.EventStore;
import eventshop.orders.OrdersApplication;
import eventshop.orders.order.domain.OrderEvent;
import eventshop.orders.order.domain.OrderEvent.OrderCancelled;
import eventshop.orders.order.domain.OrderEvent.StockReservationRequested;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.Message;

/**
 * Two instances of orders on one PostgreSQL (the same event store, the same read models), each with its deadline
 * scheduler's thread and the real clock, as the distributed topology runs them: only the leading instance polls
 * the deadlines, so each passed deadline is handed to its order once; orders placed through either instance time
 * out on schedule; when the leader stops, the other instance takes the deadlines over.
 */
class DeadlinesOnTwoInstancesTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private EmbeddedPostgres postgres;
    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        try {
            instances.reversed().forEach(ConfigurableApplicationContext::close);
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private ConfigurableApplicationContext start(String url) {
        ConfigurableApplicationContext instance = OrdersApplication.builder().run(Stream.of(
                "eventshop.eventstore.engine=postgres",
                "eventshop.eventstore.postgres.url=" + url,
                "spring.datasource.url=" + url,
                "eventshop.relay.enabled=false",
                "spring.cloud.stream.function.autodetect=false",
                "spring.cloud.function.definition=",
                "eventshop.orders.step-timeout=1s",
                "eventshop.orders.max-attempts=2",
                "eventshop.orders.compensation-max-backoff=1s",
                "eventshop.orders.deadline-poll=50ms",
                "eventshop.leadership.retry-interval=200ms",
                "eventshop.leadership.check-interval=100ms",
                "eventshop.leadership.lease=400ms",
                "server.port=0",
                "spring.jmx.enabled=false",
                "eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=")
                .map(setting -> "--" + setting).toArray(String[]::new));
        instances.add(instance);
        return instance;
    }

    @SuppressWarnings("unchecked")
    private static Consumer<Message<byte[]>> carts(ConfigurableApplicationContext instance) {
        return instance.getBean("ordersCarts", Consumer.class);
    }

    private static boolean leads(ConfigurableApplicationContext instance) {
        return instance.getBean(Leadership.class).leading();
    }

    private static boolean polls(ConfigurableApplicationContext instance) {
        return instance.getBean(DeadlineScheduler.class).polling();
    }

    /** Places an order through {@code instance}'s consumer of carts' events; returns its id. */
    private static String place(ConfigurableApplicationContext instance) {
        String order = newId();
        carts(instance).accept(message("cart-" + newId(), checkout(newId(), order)));
        return order;
    }

    /** The order timed out once: two reservation attempts (the first and its one retry), one cancellation. */
    private static void assertTimedOutOnce(EventStore store, String order) {
        List<OrderEvent> events = events(store, order);
        assertThat(events).filteredOn(StockReservationRequested.class::isInstance)
                .extracting(event -> ((StockReservationRequested) event).attempt()).containsExactly(1, 2);
        assertThat(events).filteredOn(OrderCancelled.class::isInstance).singleElement()
                .satisfies(cancelled -> assertThat(((OrderCancelled) cancelled).reason())
                        .isEqualTo(CancellationReason.TIMED_OUT));
    }

    private static boolean cancelled(EventStore store, String order) {
        return events(store, order).stream().anyMatch(OrderCancelled.class::isInstance);
    }

    @Test
    void onlyTheLeaderFiresDeadlines_onceEach_andTheOtherInstanceTakesOverWhenItStops() throws IOException {
        // given two instances of orders on one database
        postgres = EmbeddedPostgres.builder().start();
        new JdbcTemplate(postgres.getPostgresDatabase()).execute("CREATE DATABASE orders");
        String url = postgres.getJdbcUrl("postgres", "orders");
        ConfigurableApplicationContext a = start(url);
        ConfigurableApplicationContext b = start(url);
        await().atMost(PATIENCE).until(() -> leads(a) != leads(b) && polls(a) != polls(b));
        ConfigurableApplicationContext leader = leads(a) ? a : b;
        ConfigurableApplicationContext standby = leader == a ? b : a;
        assertThat(a.getBean(Leadership.class)).isInstanceOf(AdvisoryLockLeadership.class);

        // when orders are placed through both, and nobody answers their reservations
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            orders.add(place(a));
            orders.add(place(b));
        }
        EventStore store = standby.getBean(EventStore.class);
        await().atMost(PATIENCE).until(() -> orders.stream().allMatch(order -> cancelled(store, order)));

        // then each timed out once, fired by the leader alone
        orders.forEach(order -> assertTimedOutOnce(store, order));
        assertThat(polls(leader)).isTrue();
        assertThat(polls(standby)).isFalse();

        // when the leader stops, and more orders are placed through the other instance
        leader.close();
        await().atMost(PATIENCE).until(() -> leads(standby) && polls(standby));
        List<String> later = List.of(place(standby), place(standby));

        // then their deadlines fire too, once each
        await().atMost(PATIENCE).until(() -> later.stream().allMatch(order -> cancelled(store, order)));
        later.forEach(order -> assertTimedOutOnce(store, order));
    }
}
