package eventshop.catalog.products;

import static eventshop.catalog.Http.quote;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.catalog.CatalogTest;
import eventshop.catalog.Http;
import eventshop.catalog.Http.Response;
import eventshop.catalog.stock.InventoryMessages;
import eventshop.contracts.inventory.InventoryEvent.StockAllocated;
import eventshop.contracts.inventory.InventoryEvent.StockReceived;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consuming.ConsumerProgress;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.Message;
import tools.jackson.databind.JsonNode;

/**
 * One product over HTTP: from its stream, read-your-writes and availability from inventory's events. (The
 * list and search of products is the views service's since issue 12: those tests are in views'
 * {@code QueriesTest}: {@code ProductSearch}, {@code Listing}.)
 */
@CatalogTest
class ProductDetailsApiTest {

    private static final String PRODUCTS = "/api/catalog/products";

    @LocalServerPort
    int port;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    @Qualifier("onInventoryEvents")
    Consumer<Message<byte[]>> onInventoryEvents;

    Http http;
    String admin;
    String anonymous;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        admin = tokens.mint(new EdgeUser("acc-admin", "admin@example.com", Set.of(EdgeToken.ADMIN)));
        anonymous = tokens.mint(new EdgeUser(EdgeToken.ANONYMOUS, "", Set.of()));
    }

    /** Adds a product; returns the command's consistency token. */
    String add(String sku, String name, String description, long priceCents) {
        Response response = http.post(PRODUCTS).token(admin).json("{\"sku\":" + quote(sku) + ",\"name\":" + quote(name)
                + ",\"description\":" + quote(description) + ",\"priceCents\":" + priceCents + "}").send();
        assertThat(response.status()).as("%s", response).isEqualTo(201);
        return response.header(ConsistencyToken.HEADER).orElseThrow();
    }

    JsonNode read(String query, String token) {
        Http.Call call = http.get(query).token(anonymous);
        Response response = (token == null ? call : call.header(ConsistencyToken.HEADER, token)).send();
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json();
    }

    @Nested
    class Finding {

        @Test
        void aDiscontinuedProduct_isStillFoundBySku() {
            add("OLD-1", "Marmoset tray", "", 100);
            String token = http.delete(PRODUCTS + "/OLD-1").token(admin).send().header(ConsistencyToken.HEADER)
                    .orElseThrow();

            JsonNode old = read(PRODUCTS + "/OLD-1", token);
            assertThat(old.path("discontinued").asBoolean()).isTrue();
        }

        @Test
        void aMalformedSku_is400_namingIt() {
            for (String sku : List.of("lower-case", "A".repeat(41), "A%20B")) {
                Response response = http.get(PRODUCTS + "/" + sku).token(anonymous).send();

                assertThat(response.status()).as("%s", response).isEqualTo(400);
                assertThat(response.json().path("type").asString()).isEqualTo("/problems/invalid-fields");
                assertThat(response.json().at("/errors/0/field").asString()).isEqualTo("sku");
                assertThat(response.json().at("/errors/0/in").asString()).isEqualTo("path");
            }
        }

        @Test
        void anUnknownSku_is404Problem() {
            Response response = http.get(PRODUCTS + "/NOPE-404").token(anonymous).send();

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.contentType()).startsWith("application/problem+json");
        }
    }

    @Nested
    class ReadYourWrites {

        @Test
        void aQueryWithTheCommandsToken_seesTheCommand() {
            for (int i = 0; i < 5; i++) {
                String token = add("RYW-" + i, "Read your writes " + i, "", 100 + i);

                assertThat(read(PRODUCTS + "/RYW-" + i, token).path("priceCents").asLong()).isEqualTo(100 + i);
            }
        }

        @Test
        void oneProduct_isReadFromItsStream_knownAndCurrentTheMomentItChanges() {
            add("STREAM-1", "Pangolin jug", "one\ntwo", 700);
            Response repriced = http.put(PRODUCTS + "/STREAM-1/price").token(admin).json("{\"priceCents\":650}").send();
            assertThat(repriced.status()).as("%s", repriced).isEqualTo(200);

            JsonNode product = read(PRODUCTS + "/STREAM-1", null);

            assertThat(product.path("name").asString()).isEqualTo("Pangolin jug");
            assertThat(product.path("description").asString()).isEqualTo("one\ntwo");
            assertThat(product.path("priceCents").asLong()).isEqualTo(650);
            assertThat(product.path("discontinued").asBoolean()).isFalse();
            http.delete(PRODUCTS + "/STREAM-1").token(admin).send();
            assertThat(read(PRODUCTS + "/STREAM-1", null).path("discontinued").asBoolean()).isTrue();
        }

        @Test
        void aTokenOfAnotherService_orAMalformedOne_is400() {
            add("TOK-1", "Token jar", "", 100);
            Response foreign = http.get(PRODUCTS + "/TOK-1").token(anonymous).header(ConsistencyToken.HEADER,
                    "carts:3@cart-1").send();
            Response garbage = http.get(PRODUCTS + "/TOK-1").token(anonymous).header(ConsistencyToken.HEADER, "soon")
                    .send();

            assertThat(foreign.status()).isEqualTo(400);
            assertThat(garbage.status()).isEqualTo(400);
            assertThat(garbage.json().path("type").asString()).isEqualTo("/problems/invalid-consistency-token");
        }
    }

    /**
     * A read shows inventory's availability, so it takes inventory's tokens: a receipt's token waits
     * until the stock consumer has processed the receipt (its progress fed here by hand: no broker).
     */
    @Nested
    class InventoryTokens {

        @Autowired
        ConsumerProgress progress;

        ConsumerProgress.Feed inventory() {
            ConsumerProgress.Feed feed = progress.feed("inventory.events", "catalog");
            feed.partitions(1);
            return feed;
        }

        /** Delivers {@code message} to the stock consumer as the binder would, and records it processed. */
        void deliver(Message<byte[]> message) {
            onInventoryEvents.accept(message);
            inventory().processed(0, position(message));
        }

        long position(Message<byte[]> message) {
            return Long.parseLong(EventHeaders.text(message.getHeaders().get(EventHeaders.SOURCE_POSITION)));
        }

        String token(Message<byte[]> message) {
            return new ConsistencyToken("inventory", position(message),
                    EventHeaders.text(message.getHeaders().get(EventHeaders.STREAM_ID))).toString();
        }

        Response get(String uri, String token) {
            return http.get(uri).token(anonymous).header(ConsistencyToken.HEADER, token).send();
        }

        @Test
        void aReceiptsToken_waitsForTheStockConsumer_thenTheProductShowsTheNewAvailability() throws Exception {
            // given a product in stock, and a receipt inventory recorded that the consumer has not processed
            add("INVTOK-1", "Wombat jug", "", 100);
            deliver(InventoryMessages.stock(0, new StockReceived("INVTOK-1", 3, 3, 0)));
            Message<byte[]> receipt = InventoryMessages.stock(1, new StockReceived("INVTOK-1", 5, 8, 0));
            ConsumerProgress.Feed feed = inventory();
            int waitingBefore = feed.waiting();

            // when the product is asked with the receipt's token
            CompletableFuture<Response> product = CompletableFuture.supplyAsync(
                    () -> get(PRODUCTS + "/INVTOK-1", token(receipt)));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> feed.waiting() > waitingBefore);
            assertThat(product).isNotDone();
            deliver(receipt);

            // then
            Response response = product.get(30, TimeUnit.SECONDS);
            assertThat(response.status()).as("%s", response).isEqualTo(200);
            assertThat(response.json().path("available").asInt()).isEqualTo(8);
        }

        @Test
        void aReceiptNotProcessedInTime_is503_withRetryAfter_andItsPartitionInTheDetail() {
            Message<byte[]> receipt = InventoryMessages.stock(0, new StockReceived("INVTOK-3", 1, 1, 0));
            inventory();

            Response response = get(PRODUCTS + "/INVTOK-3", token(receipt));

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.header("Retry-After")).hasValue("1");
            assertThat(response.json().path("detail").asString()).contains("partition 0 of inventory.events");
        }
    }

    @Nested
    class Availability {

        @Test
        void aProductWithoutStockEvents_hasNothingAvailable() {
            String token = add("AVAIL-0", "Nothing in stock", "", 100);

            assertThat(read(PRODUCTS + "/AVAIL-0", token).path("available").asInt()).isZero();
        }

        @Test
        void inventorysStockEvents_showInTheProduct() {
            String token = add("AVAIL-1", "Okapi plate", "", 100);

            onInventoryEvents.accept(InventoryMessages.stock(0, new StockReceived("AVAIL-1", 12, 12, 0)));
            onInventoryEvents.accept(InventoryMessages.stock(1, new StockAllocated("AVAIL-1", "order-1", 5, 12, 5)));

            assertThat(read(PRODUCTS + "/AVAIL-1", token).path("available").asInt()).isEqualTo(7);
        }

        @Test
        void stockReportedBeforeTheProductWasAdded_showsOnceItIsAdded() {
            onInventoryEvents.accept(InventoryMessages.stock(0, new StockReceived("AVAIL-2", 4, 4, 0)));

            String token = add("AVAIL-2", "Early stock", "", 100);

            assertThat(read(PRODUCTS + "/AVAIL-2", token).path("available").asInt()).isEqualTo(4);
        }
    }
}
