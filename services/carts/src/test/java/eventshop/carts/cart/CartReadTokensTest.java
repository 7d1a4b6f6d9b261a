package eventshop.carts.cart;

import static eventshop.carts.prices.CatalogMessages.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.carts.CartsApplication;
import eventshop.contracts.catalog.CatalogEvent.ProductAdded;
import eventshop.contracts.catalog.CatalogEvent.ProductPriceChanged;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consuming.ConsumerProgress;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.messaging.Message;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cart's reads and other services' tokens: the cart shows the catalog's prices, so a price change's
 * {@code catalog:} token waits until the price consumer has processed it (its progress fed here by
 * hand, as the binder's would be: the module's tests run without a broker).
 */
@SpringBootTest(classes = CartsApplication.class, properties = {
        "spring.config.name=carts",
        "eventshop.eventstore.engine=memory",
        "spring.datasource.url=jdbc:h2:mem:carts-read-tokens;DB_CLOSE_DELAY=-1",
        "eventshop.relay.enabled=false",
        "spring.cloud.stream.function.autodetect=false",
        "spring.cloud.function.definition=",
        "eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc="})
@AutoConfigureMockMvc
class CartReadTokensTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    JsonMapper json;
    @Autowired
    Consumer<Message<byte[]>> catalogPrices;
    @Autowired
    ConsumerProgress progress;

    final EdgeUser ada = EdgeUser.customer(UUID.randomUUID().toString(), "ada@example.com");

    ConsumerProgress.Feed catalog() {
        ConsumerProgress.Feed feed = progress.feed("catalog.events", "carts");
        feed.partitions(1);
        return feed;
    }

    /** Delivers {@code message} to the price consumer as the binder would, and records it processed. */
    void deliver(Message<byte[]> message) {
        catalogPrices.accept(message);
        catalog().processed(0, position(message));
    }

    static long position(Message<byte[]> message) {
        return Long.parseLong(EventHeaders.text(message.getHeaders().get(EventHeaders.SOURCE_POSITION)));
    }

    static String token(Message<byte[]> message) {
        return new ConsistencyToken("catalog", position(message),
                EventHeaders.text(message.getHeaders().get(EventHeaders.STREAM_ID))).toString();
    }

    MvcTestResult cart(String token) {
        return mvc.get().uri("/api/cart").header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.mint(ada))
                .header(ConsistencyToken.HEADER, token).exchange();
    }

    String add(String sku) {
        MvcTestResult added = mvc.post().uri("/api/cart/items").header(HttpHeaders.AUTHORIZATION,
                        "Bearer " + tokens.mint(ada)).contentType(MediaType.APPLICATION_JSON)
                .content("{\"sku\":\"" + sku + "\",\"quantity\":2}").exchange();
        assertThat(added).hasStatusOk();
        return added.getResponse().getHeader(ConsistencyToken.HEADER);
    }

    JsonNode body(MvcTestResult result) {
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    @Test
    void aPriceChangesToken_waitsForThePriceConsumer_thenTheCartShowsTheNewPrice() throws Exception {
        // given a cart with a product, and a price change the consumer has not processed yet
        String sku = "SKU-RT" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        deliver(message(0, new ProductAdded(sku, "Lamp", "", 1000, "")));
        add(sku);
        Message<byte[]> repriced = message(1, new ProductPriceChanged(sku, 800, 1000));
        ConsumerProgress.Feed feed = catalog();
        int waitingBefore = feed.waiting();

        // when the cart is read with the price change's token
        CompletableFuture<MvcTestResult> read = CompletableFuture.supplyAsync(() -> cart(token(repriced)));
        await().atMost(Duration.ofSeconds(30)).until(() -> feed.waiting() > waitingBefore);
        assertThat(read).isNotDone();
        deliver(repriced);

        // then
        MvcTestResult result = read.get(30, TimeUnit.SECONDS);
        assertThat(result).hasStatusOk();
        JsonNode line = body(result).get("lines").get(0);
        assertThat(line.get("unitPriceCents").asLong()).isEqualTo(800);
        assertThat(line.get("lineTotalCents").asLong()).isEqualTo(1600);
    }

    @Test
    void aPriceChangeNotProcessedInTime_is503_withRetryAfter() {
        catalog();
        Message<byte[]> never = message(5, new ProductPriceChanged("SKU-NEVER", 1, 2));

        MvcTestResult result = cart(token(never));

        assertThat(result).hasStatus(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        assertThat(body(result).get("detail").asString()).contains("partition 0 of catalog.events");
    }

    @Test
    void theCartsOwnTokens_doNotWait_andTokensOfServicesCartsDoesNotConsume_orMalformed_are400() {
        String sku = "SKU-RU" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        deliver(message(0, new ProductAdded(sku, "Rug", "", 500, "")));
        String own = add(sku);
        assertThat(own).startsWith("carts:").endsWith("@cart-" + ada.id());

        assertThat(cart(own)).hasStatusOk();
        assertThat(mvc.get().uri("/api/cart/events").header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.mint(ada))
                .header(ConsistencyToken.HEADER, own).exchange()).hasStatusOk();
        assertThat(cart("payments:1@payment-1")).hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(cart("carts:1@cart%")).hasStatus(HttpStatus.BAD_REQUEST);
    }
}
