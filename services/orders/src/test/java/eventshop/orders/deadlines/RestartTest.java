package eventshop.orders.deadlines;

import static eventshop.orders.Fixtures.checkout;
import static eventshop.orders.Fixtures.events;
import static eventshop.orders.Fixtures.message;
import static eventshop.orders.Fixtures.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.contracts.inventory.InventoryEvent.StockReleased;
import eventshop.contracts.orders.CancellationReason;
import eventshop.eventstore.EventStore;
import eventshop.orders.OrdersApplication;
import eventshop.orders.order.Orders;
import eventshop.orders.order.domain.Order;
import eventshop.orders.order.domain.OrderEvent.StockReservationRequested;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.messaging.Message;

/**
 * Deadlines survive a restart: they are in the events. An order placed just before the service stops is
 * asked again after it starts (file engine and H2 file database, the scheduler's own thread and the real
 * clock), times out, and its release is retried until inventory answers.
 */
class RestartTest {

    @TempDir
    Path data;

    ConfigurableApplicationContext start() {
        return OrdersApplication.builder().run(Stream.of(
                "eventshop.eventstore.engine=file",
                "eventshop.eventstore.directory=" + data.resolve("eventstore"),
                "spring.datasource.url=jdbc:h2:file:" + data.resolve("readmodel") + ";DB_CLOSE_ON_EXIT=FALSE",
                "eventshop.relay.enabled=false",
                "spring.cloud.stream.function.autodetect=false",
                "spring.cloud.function.definition=",
                "eventshop.orders.step-timeout=1s",
                "eventshop.orders.max-attempts=2",
                "eventshop.orders.compensation-max-backoff=1s",
                "eventshop.orders.deadline-poll=50ms",
                "server.port=0",
                "eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=")
                .map(setting -> "--" + setting).toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    static Consumer<Message<byte[]>> consumer(ConfigurableApplicationContext context, String name) {
        return context.getBean(name, Consumer.class);
    }

    @Test
    void aDeadlineSetBeforeAStop_firesAfterTheStart() {
        String customer = newId();
        String order = newId();
        try (ConfigurableApplicationContext before = start()) {
            consumer(before, "ordersCarts").accept(message("cart-" + customer, checkout(customer, order)));
            assertThat(events(before.getBean(EventStore.class), order)).hasSize(2);
        }

        try (ConfigurableApplicationContext after = start()) {
            EventStore store = after.getBean(EventStore.class);
            Orders orders = after.getBean(Orders.class);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(orders.load(order).state()).isInstanceOfSatisfying(Order.Cancelled.class,
                            cancelled -> assertThat(cancelled.reason()).isEqualTo(CancellationReason.TIMED_OUT)));
            assertThat(events(store, order)).filteredOn(StockReservationRequested.class::isInstance)
                    .extracting(event -> ((StockReservationRequested) event).attempt()).containsExactly(1, 2);

            consumer(after, "ordersInventory").accept(message("reservation-" + order, new StockReleased(order, List.of())));
            assertThat(((Order.Cancelled) orders.load(order).state()).compensations()).isEmpty();
        }
    }
}
