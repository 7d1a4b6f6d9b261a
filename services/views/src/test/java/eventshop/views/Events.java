package eventshop.views;

import eventshop.contracts.Address;
import eventshop.contracts.carts.CartEvent.CartCheckedOut;
import eventshop.contracts.carts.CartEvent.CheckedOutLine;
import eventshop.contracts.catalog.CatalogEvent.ProductAdded;
import eventshop.contracts.inventory.InventoryEvent.StockReceived;
import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderEvent.OrderCancelled;
import eventshop.contracts.orders.OrderEvent.OrderConfirmed;
import eventshop.contracts.orders.OrderEvent.OrderDelivered;
import eventshop.contracts.orders.OrderEvent.OrderPaymentAuthorized;
import eventshop.contracts.orders.OrderEvent.OrderPlaced;
import eventshop.contracts.orders.OrderEvent.OrderShipped;
import eventshop.contracts.orders.OrderEvent.OrderStockReserved;
import eventshop.contracts.orders.OrderLine;
import eventshop.contracts.orders.OrderStatus;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.relay.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes synthetic contract events as the services' relays would: keyed by stream id, with the
 * {@link EventHeaders} envelope, a position per source log and a version per stream. One instance per
 * JVM (positions and versions must not restart). Event times are fixed, from a base, so every
 * replica holds the same rows. Thread-safe.
 */
public final class Events implements AutoCloseable {

    public static final Events INSTANCE = new Events();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant BASE = Instant.parse("2026-03-01T08:00:00Z");
    private static final Address ADDRESS = new Address("Ada", "1 Loop St", "", "Springfield", "12345", "US");

    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, AtomicLong> positions = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> versions = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong();

    private Events() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 2),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** A published event: its envelope, to re-send as a relay duplicate would. */
    public record Sent(String source, String streamId, long version, long position, UUID eventId, String type,
                       Instant at, byte[] data) {
        /** The consistency token of this event's command, as commands answer them: with the stream. */
        public String token() {
            return new ConsistencyToken(source, position, streamId).toString();
        }

        /** The token as it was written before tokens named their stream. */
        public String tokenWithoutStream() {
            return source + ":" + position;
        }
    }

    /** Publishes {@code event} of service {@code source} in stream {@code streamId}; waits for the broker. */
    public synchronized Sent publish(String source, String streamId, Object event) {
        long position = positions.computeIfAbsent(source, s -> new AtomicLong(100)).incrementAndGet();
        long version = versions.computeIfAbsent(streamId, s -> new AtomicLong(-1)).incrementAndGet();
        Instant at = BASE.plus(Duration.ofMinutes(clock.incrementAndGet() / 7));
        Sent sent = new Sent(source, streamId, version, position, UUID.randomUUID(),
                event.getClass().getSimpleName(), at, JSON.writeValueAsBytes(event));
        send(sent);
        return sent;
    }

    /** Sends {@code sent} again, as a relay does after a restart. */
    public synchronized void resend(Sent sent) {
        send(sent);
    }

    /** Makes sure everything sent is on the broker. */
    public void flush() {
        producer.flush();
    }

    private void send(Sent sent) {
        RecordHeaders headers = new RecordHeaders();
        Map<String, String> values = new java.util.LinkedHashMap<>();
        values.put(EventHeaders.EVENT_ID, sent.eventId().toString());
        values.put(EventHeaders.EVENT_TYPE, sent.type());
        values.put(EventHeaders.STREAM_ID, sent.streamId());
        values.put(EventHeaders.STREAM_VERSION, Long.toString(sent.version()));
        values.put(EventHeaders.SOURCE_POSITION, Long.toString(sent.position()));
        values.put(EventHeaders.SOURCE, sent.source());
        values.put(EventHeaders.CORRELATION_ID, sent.eventId().toString());
        values.put(EventHeaders.CAUSATION_ID, sent.eventId().toString());
        values.put(EventHeaders.ACTING_USER, "");
        values.put(EventHeaders.EVENT_TIMESTAMP, sent.at().toString());
        values.put(EventHeaders.SCHEMA_VERSION, "1");
        values.forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        producer.send(new ProducerRecord<>(sent.source() + ".events", null, sent.streamId(), sent.data(), headers));
    }

    // ---------------------------------------------------------------- store scenarios

    public Sent product(String sku, String name, long priceCents) {
        return publish("catalog", "product-" + sku, new ProductAdded(sku, name, name + " for testing", priceCents, ""));
    }

    public Sent stock(String sku, int onHand) {
        return publish("inventory", "stock-" + sku, new StockReceived(sku, onHand, onHand, 0));
    }

    /** What an order's fate was, and how it counts. */
    public enum Fate { DELIVERED, SHIPPED, CONFIRMED, OUT_OF_STOCK, DECLINED, CANCELLED_AFTER_SALE, PLACED }

    /** The fate of the {@code i}th order of a burst: every kind, in fixed proportions. */
    public static Fate fate(int i) {
        return switch (i % 10) {
            case 0 -> Fate.OUT_OF_STOCK;
            case 1 -> Fate.DECLINED;
            case 2 -> Fate.CANCELLED_AFTER_SALE;
            case 3, 4 -> Fate.SHIPPED;
            case 5 -> Fate.PLACED;
            case 6 -> Fate.CONFIRMED;
            default -> Fate.DELIVERED;
        };
    }

    /**
     * A step of orders' saga that orders published after {@code OrderShipped} until issue 12 and keeps to
     * itself since: a type the views do not use (records of it remain on the topic), passed over.
     */
    record DeliveryScheduled(String orderId, Instant dueAt) {
    }

    /** Publishes order {@code orderId}'s status events up to {@code fate}; answers the last one. */
    public Sent order(String customerId, String orderId, List<OrderLine> lines, Fate fate) {
        long subtotal = lines.stream().mapToLong(OrderLine::lineTotalCents).sum();
        long tax = (subtotal * 6 + 50) / 100;
        List<Object> events = new ArrayList<>();
        events.add(new OrderPlaced(orderId, customerId, customerId + "@example.com", lines, subtotal, tax,
                subtotal + tax, ADDRESS, "tok-1"));
        switch (fate) {
            case OUT_OF_STOCK -> events.add(new OrderCancelled(orderId, customerId, CancellationReason.OUT_OF_STOCK, "short",
                    OrderStatus.PLACED));
            case DECLINED -> {
                events.add(new OrderStockReserved(orderId));
                events.add(new OrderCancelled(orderId, customerId, CancellationReason.PAYMENT_DECLINED, "card",
                        OrderStatus.STOCK_RESERVED));
            }
            case PLACED -> {
            }
            default -> {
                events.add(new OrderStockReserved(orderId));
                events.add(new OrderPaymentAuthorized(orderId, subtotal + tax));
                events.add(new OrderConfirmed(orderId, customerId));
                if (fate == Fate.CANCELLED_AFTER_SALE) {
                    events.add(new OrderCancelled(orderId, customerId, CancellationReason.CUSTOMER_CANCELLED,
                            "changed mind", OrderStatus.CONFIRMED));
                }
                if (fate == Fate.SHIPPED || fate == Fate.DELIVERED) {
                    events.add(new OrderShipped(orderId, customerId));
                    events.add(new DeliveryScheduled(orderId, BASE));
                }
                if (fate == Fate.DELIVERED) {
                    events.add(new OrderDelivered(orderId, customerId));
                }
            }
        }
        Sent last = null;
        for (Object event : events) {
            last = publish("orders", "order-" + orderId, event);
        }
        return last;
    }

    /**
     * Publishes what carts publishes when {@code customerId} checks out {@code lines} as order
     * {@code orderId}: a {@code CartCheckedOut} in the customer's cart stream.
     */
    public Sent checkout(String customerId, String orderId, List<OrderLine> lines) {
        long subtotal = lines.stream().mapToLong(OrderLine::lineTotalCents).sum();
        long tax = (subtotal * 6 + 50) / 100;
        return publish("carts", "cart-" + customerId, new CartCheckedOut(customerId, orderId,
                customerId + "@example.com", lines.stream().map(line -> new CheckedOutLine(line.sku(), line.name(),
                line.quantity(), line.unitPriceCents(), line.lineTotalCents())).toList(), subtotal, tax,
                subtotal + tax, ADDRESS, "tok-1"));
    }

    public static OrderLine line(String sku, int quantity, long unitPriceCents) {
        return new OrderLine(sku, sku + " name", quantity, unitPriceCents, quantity * unitPriceCents);
    }

    @Override
    public void close() {
        producer.close();
    }
}
