package eventshop.carts.prices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.carts.cart.domain.PriceList;
import eventshop.carts.cart.domain.Product;
import eventshop.contracts.catalog.CatalogEvent;
import eventshop.contracts.catalog.CatalogEvent.ProductAdded;
import eventshop.contracts.catalog.CatalogEvent.ProductDiscontinued;
import eventshop.contracts.catalog.CatalogEvent.ProductPriceChanged;
import eventshop.eventsourcing.consuming.ExactlyOnce;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.testing.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.messaging.Message;

/**
 * The price view fed through its Spring Cloud Stream consumer with messages made the way the
 * catalog's log relay makes them ({@link EventHeaders#of}), on H2, without Kafka: last version wins,
 * redeliveries and late older versions change nothing.
 */
class CatalogPriceFeedTest {

    private static final String SKU = "SKU-24642";

    private final JdbcConnectionPool dataSource = dataSource();
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    private final ExactlyOnce exactlyOnce = new ExactlyOnce(dataSource, new DataSourceTransactionManager(dataSource),
            Clock.systemUTC(), new SimpleMeterRegistry());
    private final Prices prices = new Prices(jdbc);
    private final Consumer<Message<byte[]>> consumer = new CatalogPriceFeed().catalogPrices(exactlyOnce, prices);

    @Test
    void productAdded_isOnSaleAtItsPrice() {
        consumer.accept(message(0, new ProductAdded(SKU, "Keyboard", "Clicky", 1250, "")));

        assertThat(prices.product(SKU)).isEqualTo(new Product.OnSale(SKU, "Keyboard", 1250));
        assertThat(prices.row(SKU)).contains(new Prices.Row(SKU, "Keyboard", 1250, false, 0));
    }

    @Test
    void priceChanges_andDiscontinuation_follow_inOrder() {
        consumer.accept(message(0, new ProductAdded(SKU, "Keyboard", "Clicky", 1250, "")));
        consumer.accept(message(1, new ProductPriceChanged(SKU, 1100, 1250)));
        assertThat(prices.product(SKU)).isEqualTo(new Product.OnSale(SKU, "Keyboard", 1100));

        consumer.accept(message(2, new ProductDiscontinued(SKU)));

        assertThat(prices.product(SKU)).isEqualTo(new Product.Discontinued(SKU, "Keyboard", 1100));
        assertThat(prices.row(SKU).orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void anUnknownSku_isUnknown() {
        assertThat(prices.product("SKU-404")).isEqualTo(new Product.Unknown("SKU-404"));
    }

    @Test
    void list_readsSeveralSkus_unknownOnesAsUnknown() {
        consumer.accept(message(0, new ProductAdded(SKU, "Keyboard", "", 1250, "")));
        consumer.accept(message(0, new ProductAdded("SKU-34563", "Mouse", "", 499, "")));

        PriceList list = prices.list(List.of(SKU, "SKU-34563", "SKU-404", SKU));

        assertThat(list.product(SKU)).isEqualTo(new Product.OnSale(SKU, "Keyboard", 1250));
        assertThat(list.product("SKU-34563")).isEqualTo(new Product.OnSale("SKU-34563", "Mouse", 499));
        assertThat(list.product("SKU-404")).isEqualTo(new Product.Unknown("SKU-404"));
        assertThat(prices.list(List.of())).isEqualTo(PriceList.EMPTY);
    }

    @Nested
    class RedeliveredAndOutOfOrder {

        @Test
        void aRedeliveredMessage_isAppliedOnce() {
            consumer.accept(message(0, new ProductAdded(SKU, "Keyboard", "", 1250, "")));
            Message<byte[]> reprice = message(1, new ProductPriceChanged(SKU, 1100, 1250));
            consumer.accept(reprice);
            consumer.accept(message(2, new ProductPriceChanged(SKU, 900, 1100)));

            consumer.accept(reprice);

            assertThat(prices.product(SKU)).isEqualTo(new Product.OnSale(SKU, "Keyboard", 900));
            assertThat(exactlyOnce.processed(CatalogPriceFeed.CONSUMER, eventId(reprice))).isTrue();
        }

        @Test
        void anOlderVersion_arrivingLate_isIgnored() {
            consumer.accept(message(0, new ProductAdded(SKU, "Keyboard", "", 1250, "")));
            consumer.accept(message(2, new ProductPriceChanged(SKU, 900, 1100)));

            consumer.accept(message(1, new ProductPriceChanged(SKU, 1100, 1250)));

            assertThat(prices.row(SKU)).contains(new Prices.Row(SKU, "Keyboard", 900, false, 2));
        }

        @Test
        void theSameVersion_again_underANewEventId_changesNothing() {
            consumer.accept(message(0, new ProductAdded(SKU, "Keyboard", "", 1250, "")));
            consumer.accept(message(1, new ProductPriceChanged(SKU, 1100, 1250)));

            consumer.accept(message(1, new ProductPriceChanged(SKU, 777, 1250)));

            assertThat(prices.product(SKU)).isEqualTo(new Product.OnSale(SKU, "Keyboard", 1100));
        }

        @Test
        void aPriceChange_beforeTheProductAdded_keepsTheNewerPrice_andTakesTheNameLater() {
            consumer.accept(message(1, new ProductPriceChanged(SKU, 1100, 1250)));
            assertThat(prices.product(SKU)).isEqualTo(new Product.OnSale(SKU, SKU, 1100));

            consumer.accept(message(0, new ProductAdded(SKU, "Keyboard", "", 1250, "")));

            assertThat(prices.row(SKU)).contains(new Prices.Row(SKU, "Keyboard", 1100, false, 1));
        }

        @Test
        void discontinued_isFinal_whateverArrivesAfterIt() {
            consumer.accept(message(2, new ProductDiscontinued(SKU)));
            consumer.accept(message(0, new ProductAdded(SKU, "Keyboard", "", 1250, "")));
            consumer.accept(message(1, new ProductPriceChanged(SKU, 1100, 1250)));

            assertThat(prices.product(SKU)).isInstanceOf(Product.Discontinued.class);
            assertThat(prices.row(SKU)).contains(new Prices.Row(SKU, "Keyboard", 0, true, 2));
        }
    }

    @Nested
    class OtherMessages {

        @Test
        void anEventTypeTheViewDoesNotKnow_isSkipped() {
            consumer.accept(message(0, new ProductAdded(SKU, "Keyboard", "", 1250, "")));
            Message<byte[]> other = message(SKU, 1, "ProductDescriptionChanged",
                    "{\"sku\":\"" + SKU + "\",\"description\":\"new\"}");

            consumer.accept(other);

            assertThat(prices.row(SKU)).contains(new Prices.Row(SKU, "Keyboard", 1250, false, 0));
            assertThat(exactlyOnce.processed(CatalogPriceFeed.CONSUMER, eventId(other))).isTrue();
        }

        @Test
        void aKnownTypeThatDoesNotParse_fails_andLeavesNothing() {
            Message<byte[]> broken = message(SKU, 0, "ProductAdded", "{\"sku\":");

            assertThatThrownBy(() -> consumer.accept(broken)).isInstanceOf(RuntimeException.class);

            assertThat(prices.row(SKU)).isEmpty();
            assertThat(exactlyOnce.processed(CatalogPriceFeed.CONSUMER, eventId(broken))).isFalse();
        }
    }

    private static Message<byte[]> message(long version, CatalogEvent event) {
        return CatalogMessages.message(version, event);
    }

    private static Message<byte[]> message(String sku, long version, String type, String json) {
        return CatalogMessages.message(sku, version, type, json);
    }

    private static UUID eventId(Message<byte[]> message) {
        return CatalogMessages.eventId(message);
    }

    private static JdbcConnectionPool dataSource() {
        return TestDatabases.h2Of("carts");
    }
}
