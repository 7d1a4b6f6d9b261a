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
import eventshop.eventsourcing.kafka.InProcessKafka;
import eventshop.eventsourcing.relay.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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

    private static InProcessKafka kafka;
    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        kafka = InProcessKafka.start();
        kafka.createTopics(1, Topics.CATALOG_EVENTS, Topics.CARTS_EVENTS, Topics.ORDERS_EVENTS);
        // as arguments: builder().properties(...) are only defaults, which carts.yml overrides
        context = CartsApplication.builder().run(
                "--server.port=0",
                "--eventshop.eventstore.engine=memory",
                "--spring.datasource.url=jdbc:h2:mem:carts-kafka;DB_CLOSE_DELAY=-1",
                "--spring.cloud.stream.kafka.binder.brokers=" + kafka.bootstrapServers(),
                "--eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=",
                "--logging.level.org.apache.kafka=WARN",
                "--logging.level.kafka=WARN",
                "--logging.level.state.change.logger=WARN",
                "--logging.level.org.springframework.kafka=WARN",
                "--logging.level.org.springframework.cloud.stream=WARN",
                "--logging.level.org.springframework.integration=WARN");
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
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
        Carts carts = context.getBean(Carts.class);
        CommandContexts contexts = context.getBean(CommandContexts.class);
        String customer = UUID.randomUUID().toString();
        carts.add(customer, "SKU-24642", 2, contexts.create(customer, null));
        String orderId = carts.checkOut(customer, "ada@example.com",
                new Address("Ada", "1 Main St", "", "London", "N1", "GB"), "tok_abcdefgh12", new PaymentCard.Usable(),
                null, contexts.create(customer, null)).orderId();

        // then carts.events carries the cart's events, keyed by its stream, CartCheckedOut with the totals
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(Topics.CARTS_EVENTS, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= 2;
            });
        }
        assertThat(records).extracting(record -> new String(record.key(), StandardCharsets.UTF_8))
                .containsOnly(Carts.streamOf(customer));
        ConsumerRecord<byte[], byte[]> last = records.get(1);
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
        Carts carts = context.getBean(Carts.class);
        CommandContexts contexts = context.getBean(CommandContexts.class);
        String customer = UUID.randomUUID().toString();
        carts.add(customer, "SKU-12464", 4, contexts.create(customer, null));
        String orderId = carts.checkOut(customer, "ada@example.com",
                new Address("Ada", "1 Main St", "", "London", "N1", "GB"), "tok_abcdefgh12", new PaymentCard.Usable(),
                null, contexts.create(customer, null)).orderId();

        // when orders publishes its cancellation, declined while the stock was reserved
        publish(Topics.ORDERS_EVENTS, OrderMessages.message(new OrderCancelled(orderId, customer,
                CancellationReason.PAYMENT_DECLINED, "payment declined", OrderStatus.STOCK_RESERVED)));

        // then the cart has its line back, and says so on carts.events
        await().atMost(Duration.ofSeconds(60)).until(() -> !carts.state(customer).block().lines().isEmpty());
        assertThat(carts.state(customer).block().lines()).containsExactly(new Line("SKU-12464", 4, 9L));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(Topics.CARTS_EVENTS, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.stream().anyMatch(record -> header(record, EventHeaders.EVENT_TYPE).equals("CartRestored"));
            });
        }
        ConsumerRecord<byte[], byte[]> restored = records.stream()
                .filter(record -> header(record, EventHeaders.EVENT_TYPE).equals("CartRestored")).findFirst().orElseThrow();
        assertThat(new String(restored.key(), StandardCharsets.UTF_8)).isEqualTo(Carts.streamOf(customer));
        assertThat(JsonEventCodec.of(CartEvent.class).deserialize("CartRestored", restored.value(), 1))
                .isEqualTo(new CartRestored(customer, orderId, List.of(new RestoredLine("SKU-12464", 4, 9)), List.of()));
    }

    private static void publish(Message<byte[]> message) {
        publish(Topics.CATALOG_EVENTS, message);
    }

    private static void publish(String topic, Message<byte[]> message) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            String stream = (String) message.getHeaders().get(EventHeaders.STREAM_ID);
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
                    stream.getBytes(StandardCharsets.UTF_8), message.getPayload());
            message.getHeaders().forEach((name, value) -> {
                if (value instanceof String text && !name.equals("id") && !name.equals("timestamp")) {
                    record.headers().add(name, text.getBytes(StandardCharsets.UTF_8));
                }
            });
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
