package eventshop.catalog.listing;

import static eventshop.catalog.Http.quote;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.catalog.CatalogTest;
import eventshop.catalog.Http;
import eventshop.catalog.Http.Response;
import eventshop.catalog.stock.InventoryMessages;
import eventshop.contracts.EdgeToken;
import eventshop.contracts.inventory.InventoryEvent.StockAllocated;
import eventshop.contracts.inventory.InventoryEvent.StockReceived;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consuming.ConsumerProgress;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.Message;
import tools.jackson.databind.JsonNode;

/** The listing over HTTP: search, paging, read-your-writes and availability from inventory's events. */
@CatalogTest
class ListingApiTest {

    private static final String PRODUCTS = "/api/catalog/products";

    @LocalServerPort
    int port;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    Projections projections;
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

    JsonNode search(String query, String token) {
        Http.Call call = http.get(query).token(anonymous);
        Response response = (token == null ? call : call.header(ConsistencyToken.HEADER, token)).send();
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json();
    }

    static List<String> skus(JsonNode page) {
        return StreamSupport.stream(page.path("items").spliterator(), false).map(item -> item.path("sku").asString())
                .toList();
    }

    static String q(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Nested
    class Searching {

        @Test
        void theQuery_matchesNameDescriptionOrSku_ignoringCase() {
            add("FIND-1", "Kettle zephyrine", "steel", 100);
            add("FIND-2", "Teapot", "a ZEPHYRINE glaze", 100);
            add("ZEPHYRINE-3", "Cup", "plain", 100);
            String token = add("FIND-4", "Saucer", "plain", 100);

            JsonNode page = search(PRODUCTS + "?q=zePHyrine", token);

            assertThat(skus(page)).containsExactly("ZEPHYRINE-3", "FIND-1", "FIND-2");
            assertThat(page.path("total").asLong()).isEqualTo(3);
        }

        @Test
        void anItem_hasSkuNameDescriptionPriceAndAvailability() {
            String token = add("ITEM-1", "Quokka mug", "Stoneware, 300 ml", 1450);

            JsonNode item = search(PRODUCTS + "?q=quokka", token).path("items").get(0);

            assertThat(item.path("sku").asString()).isEqualTo("ITEM-1");
            assertThat(item.path("name").asString()).isEqualTo("Quokka mug");
            assertThat(item.path("description").asString()).isEqualTo("Stoneware, 300 ml");
            assertThat(item.path("priceCents").asLong()).isEqualTo(1450);
            assertThat(item.path("available").asInt()).isZero();
        }

        @Test
        void likeWildcards_inTheQuery_areTakenLiterally() {
            add("WILD-1", "100% wool sock", "", 100);
            String token = add("WILD-2", "1000 wool socks", "", 100);

            assertThat(skus(search(PRODUCTS + "?q=" + q("0% wool"), token))).containsExactly("WILD-1");
            assertThat(skus(search(PRODUCTS + "?q=" + q("wool_sock"), token))).isEmpty();
        }

        @Test
        void discontinuedProducts_areNotListed_butStillFoundBySku() {
            add("OLD-1", "Marmoset tray", "", 100);
            add("OLD-2", "Marmoset bowl", "", 100);
            String token = http.delete(PRODUCTS + "/OLD-1").token(admin).send().header(ConsistencyToken.HEADER)
                    .orElseThrow();

            JsonNode page = search(PRODUCTS + "?q=marmoset", token);

            assertThat(skus(page)).containsExactly("OLD-2");
            assertThat(page.path("total").asLong()).isEqualTo(1);
            JsonNode old = search(PRODUCTS + "/OLD-1", token);
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
    class Paging {

        @Test
        void pages_areSortedByNameThenSku_withTheTotalOverAllPages() {
            add("PAGE-5", "Wombat e", "", 100);
            add("PAGE-2", "Wombat b", "", 100);
            add("PAGE-4", "Wombat a", "", 100);
            add("PAGE-1", "Wombat a", "", 100);
            String token = add("PAGE-3", "Wombat c", "", 100);

            JsonNode first = search(PRODUCTS + "?q=wombat&page=0&size=2", token);
            JsonNode second = search(PRODUCTS + "?q=wombat&page=1&size=2", token);
            JsonNode third = search(PRODUCTS + "?q=wombat&page=2&size=2", token);
            JsonNode beyond = search(PRODUCTS + "?q=wombat&page=3&size=2", token);

            assertThat(skus(first)).containsExactly("PAGE-1", "PAGE-4");
            assertThat(skus(second)).containsExactly("PAGE-2", "PAGE-3");
            assertThat(skus(third)).containsExactly("PAGE-5");
            assertThat(skus(beyond)).isEmpty();
            assertThat(List.of(first, second, third, beyond)).allSatisfy(page -> {
                assertThat(page.path("total").asLong()).isEqualTo(5);
                assertThat(page.path("size").asInt()).isEqualTo(2);
            });
            assertThat(second.path("page").asInt()).isEqualTo(1);
        }

        @Test
        void theDefaults_arePage0OfSize20() {
            JsonNode page = search(PRODUCTS, null);

            assertThat(page.path("page").asInt()).isZero();
            assertThat(page.path("size").asInt()).isEqualTo(20);
            assertThat(page.path("items").size()).isLessThanOrEqualTo(20);
        }

        @ParameterizedTest
        @ValueSource(strings = {"size=0", "size=101", "size=-1", "page=-1", "page=x", "size=1.5", "page=99999999999"})
        void aPageOrSizeOutOfRange_is400(String parameter) {
            Response response = http.get(PRODUCTS + "?" + parameter).token(anonymous).send();

            assertThat(response.status()).as("%s", response).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
        }

        @Test
        void anOverlongQuery_is400() {
            assertThat(http.get(PRODUCTS + "?q=" + "q".repeat(201)).token(anonymous).send().status()).isEqualTo(400);
        }
    }

    @Nested
    class ReadYourWrites {

        @Test
        void aQueryWithTheCommandsToken_seesTheCommand() {
            for (int i = 0; i < 5; i++) {
                String token = add("RYW-" + i, "Read your writes " + i, "", 100 + i);

                assertThat(search(PRODUCTS + "/RYW-" + i, token).path("priceCents").asLong()).isEqualTo(100 + i);
                assertThat(skus(search(PRODUCTS + "?q=" + q("read your writes " + i), token)))
                        .containsExactly("RYW-" + i);
            }
        }

        @Test
        void oneProduct_isReadFromItsStream_knownAndCurrentTheMomentItChanges_evenWithTheListingStopped() {
            projections.stop();
            try {
                add("STREAM-1", "Pangolin jug", "one\ntwo", 700);
                Response repriced = http.put(PRODUCTS + "/STREAM-1/price").token(admin).json("{\"priceCents\":650}").send();
                assertThat(repriced.status()).as("%s", repriced).isEqualTo(200);

                JsonNode product = search(PRODUCTS + "/STREAM-1", null);

                assertThat(product.path("name").asString()).isEqualTo("Pangolin jug");
                assertThat(product.path("description").asString()).isEqualTo("one\ntwo");
                assertThat(product.path("priceCents").asLong()).isEqualTo(650);
                assertThat(product.path("discontinued").asBoolean()).isFalse();
                assertThat(skus(search(PRODUCTS + "?q=pangolin", null))).as("the listing is stopped").isEmpty();
                http.delete(PRODUCTS + "/STREAM-1").token(admin).send();
                assertThat(search(PRODUCTS + "/STREAM-1", null).path("discontinued").asBoolean()).isTrue();
            } finally {
                projections.start();
            }
        }

        @Test
        void aTokenOfAnotherService_orAMalformedOne_is400() {
            Response foreign = http.get(PRODUCTS).token(anonymous).header(ConsistencyToken.HEADER, "carts:3@cart-1").send();
            Response garbage = http.get(PRODUCTS).token(anonymous).header(ConsistencyToken.HEADER, "soon").send();

            assertThat(foreign.status()).isEqualTo(400);
            assertThat(garbage.status()).isEqualTo(400);
            assertThat(garbage.json().path("type").asString()).isEqualTo("/problems/invalid-consistency-token");
        }

        @Test
        void aTokenBeyondWhatTheListingCanReach_is503_withRetryAfter() {
            long ahead = projections.status(ProductListing.NAME).active().checkpoint() + 1_000_000;

            Response response = http.get(PRODUCTS).token(anonymous)
                    .header(ConsistencyToken.HEADER, "catalog:" + ahead).send();

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.header("Retry-After")).hasValue("1");
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
        void theSearch_takesInventorysTokens_too() {
            add("INVTOK-2", "Numbat tray", "", 100);
            Message<byte[]> receipt = InventoryMessages.stock(0, new StockReceived("INVTOK-2", 6, 6, 0));
            deliver(receipt);

            Response response = get(PRODUCTS + "?q=numbat", token(receipt));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("items").get(0).path("available").asInt()).isEqualTo(6);
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

            assertThat(search(PRODUCTS + "/AVAIL-0", token).path("available").asInt()).isZero();
        }

        @Test
        void inventorysStockEvents_showInTheListingAndTheProduct() {
            String token = add("AVAIL-1", "Okapi plate", "", 100);

            onInventoryEvents.accept(InventoryMessages.stock(0, new StockReceived("AVAIL-1", 12, 12, 0)));
            onInventoryEvents.accept(InventoryMessages.stock(1, new StockAllocated("AVAIL-1", "order-1", 5, 12, 5)));

            assertThat(search(PRODUCTS + "/AVAIL-1", token).path("available").asInt()).isEqualTo(7);
            assertThat(search(PRODUCTS + "?q=okapi", token).path("items").get(0).path("available").asInt()).isEqualTo(7);
        }

        @Test
        void stockReportedBeforeTheProductWasAdded_showsOnceItIsListed() {
            onInventoryEvents.accept(InventoryMessages.stock(0, new StockReceived("AVAIL-2", 4, 4, 0)));

            String token = add("AVAIL-2", "Early stock", "", 100);

            assertThat(search(PRODUCTS + "/AVAIL-2", token).path("available").asInt()).isEqualTo(4);
        }

        @Test
        void theAvailability_survivesARebuildOfTheListing() {
            String token = add("AVAIL-3", "Rebuilt", "", 100);
            onInventoryEvents.accept(InventoryMessages.stock(0, new StockReceived("AVAIL-3", 9, 9, 0)));
            int generation = projections.tables(ProductListing.NAME).generation();

            projections.rebuild(ProductListing.NAME);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> projections.tables(ProductListing.NAME).generation() > generation);

            assertThat(search(PRODUCTS + "/AVAIL-3", token).path("available").asInt()).isEqualTo(9);
            assertThat(search(PRODUCTS + "/AVAIL-3", token).path("name").asString()).isEqualTo("Rebuilt");
        }
    }
}
