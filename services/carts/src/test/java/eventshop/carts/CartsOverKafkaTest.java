package eventshop.carts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.carts.cart.Carts;
import eventshop.carts.cart.domain.Line;
import eventshop.carts.cart.domain.PaymentCard;
import eventshop.carts.cart.domain.Product;
import eventshop.carts.prices.CatalogMessages;
import eventshop.carts.prices.Prices;
import eventshop.carts.restoring.OrderMessages;
import eventshop.contracts.Address;
import eventshop.contracts.Topics;
import eventshop.contracts.carts.CartEvent;
import eventshop.contracts.carts.CartEvent.CartCheckedOut;
import eventshop.contracts.carts.CartEvent.CartRestored;
import eventshop.contracts.carts.CartEvent.RestoredLine;
import eventshop.contracts.catalog.CatalogEvent.ProductAdded;
import eventshop.contracts.catalog.CatalogEvent.ProductPriceChanged;
import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderEvent.OrderCancelled;
import eventshop.contracts.orders.OrderStatus;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.testing.OverKafka;
import eventshop.eventsourcing.testing.TopicProbe;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.messaging.Message;

/**
 * The service as the launcher runs it ({@link CartsApplication#builder()}, {@code carts.yml}) over an
 * in-process broker: the catalog's events on {@code catalog.events} reach the price view through the
 * configured binding and group, the cart's events leave on {@code carts.events} through the relay, and an
 * order cancelled before it was confirmed, on {@code orders.events}, gives the cart its lines back.
 */
class CartsOverKafkaTest {

    private static OverKafka kafka;
    private static TopicProbe probe;
    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        kafka = OverKafka.start(Topics.CATALOG_EVENTS, Topics.CARTS_EVENTS, Topics.ORDERS_EVENTS);
        probe = kafka.probe();
        context = kafka.runService(CartsApplication.builder());
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theCommandLineOverridesCartsYml() {
        assertThat(context.getEnvironment().getProperty("spring.datasource.url")).startsWith("jdbc:h2:mem:");
    }

    @Test
    void pricesArriveFromCatalogEvents_andTheCheckoutLeavesOnCartsEvents() {
        // given the catalog published a product and a new price
        publish(CatalogMessages.message(0, new ProductAdded("SKU-24642", "Keyboard", "", 1250, "")));
        publish(CatalogMessages.message(1, new ProductPriceChanged("SKU-24642", 1100, 1250)));
        Prices prices = context.getBean(Prices.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> prices.product("SKU-24642")
                .equals(new Product.OnSale("SKU-24642", "Keyboard", 1100)));

        // when a customer checks out
        String customer = UUID.randomUUID().toString();
        String orderId = checkOut(customer, "SKU-24642", 2);

        // then carts.events carries the cart's events, keyed by its stream, CartCheckedOut with the totals
        List<ConsumerRecord<String, byte[]>> records = probe.await(Topics.CARTS_EVENTS, 2,
                TopicProbe.keyed(Carts.streamOf(customer)), Duration.ofSeconds(60));
        ConsumerRecord<String, byte[]> last = records.get(1);
        assertThat(header(last, EventHeaders.EVENT_TYPE)).isEqualTo("CartCheckedOut");
        assertThat(header(last, EventHeaders.SOURCE)).isEqualTo("carts");
        CartCheckedOut checkedOut = (CartCheckedOut) JsonEventCodec.of(CartEvent.class)
                .deserialize("CartCheckedOut", last.value(), 1);
        assertThat(checkedOut.orderId()).isEqualTo(orderId);
        assertThat(checkedOut.subtotalCents()).isEqualTo(2200);
        assertThat(checkedOut.taxCents()).isEqualTo(132);
        assertThat(checkedOut.totalCents()).isEqualTo(2332);
    }

    @Test
    void anOrderCancelledOnOrdersEvents_givesTheCartItsLinesBack_andCartRestoredLeavesOnCartsEvents() {
        // given a cart checked out
        publish(CatalogMessages.message(0, new ProductAdded("SKU-12464", "Cable", "", 9, "")));
        Prices prices = context.getBean(Prices.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> prices.product("SKU-12464") instanceof Product.OnSale);
        String customer = UUID.randomUUID().toString();
        String orderId = checkOut(customer, "SKU-12464", 4);

        // when orders publishes its cancellation, declined while the stock was reserved
        probe.send(Topics.ORDERS_EVENTS, OrderMessages.message(new OrderCancelled(orderId, customer,
                CancellationReason.PAYMENT_DECLINED, "payment declined", OrderStatus.STOCK_RESERVED)));

        // then the cart has its line back, and says so on carts.events
        Carts carts = context.getBean(Carts.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> !carts.state(customer).block().lines().isEmpty());
        assertThat(carts.state(customer).block().lines()).containsExactly(new Line("SKU-12464", 4, 9L));
        ConsumerRecord<String, byte[]> restored = probe.await(Topics.CARTS_EVENTS, 1,
                record -> "CartRestored".equals(header(record, EventHeaders.EVENT_TYPE)), Duration.ofSeconds(60))
                .getFirst();
        assertThat(restored.key()).isEqualTo(Carts.streamOf(customer));
        assertThat(JsonEventCodec.of(CartEvent.class).deserialize("CartRestored", restored.value(), 1))
                .isEqualTo(new CartRestored(customer, orderId, List.of(new RestoredLine("SKU-12464", 4, 9)), List.of()));
    }

    /** Adds {@code quantity} of {@code sku} to the customer's cart and checks it out; the order id. */
    private static String checkOut(String customer, String sku, int quantity) {
        Carts carts = context.getBean(Carts.class);
        CommandContexts contexts = context.getBean(CommandContexts.class);
        carts.add(customer, sku, quantity, contexts.create(customer, null));
        return carts.checkOut(customer, "ada@example.com", new Address("Ada", "1 Main St", "", "London", "N1", "GB"),
                "tok_abcdefgh12", new PaymentCard.Usable(), null, contexts.create(customer, null)).orderId();
    }

    private static void publish(Message<byte[]> message) {
        probe.send(Topics.CATALOG_EVENTS, message);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return TopicProbe.header(record, name);
    }
}
