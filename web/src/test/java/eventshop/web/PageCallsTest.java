package eventshop.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.web.site.Csrf;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * How the pages make their calls, against stub services that hold an answer back until the page's other calls
 * have arrived (calls made one after the other never get there, and the hold gives up): a page's independent
 * calls and the header's cart badge are made at the same time, each as the customer; the first call to fail is
 * the page's answer at once; the cart page reads the cart once; with {@code eventshop.web.server-timing} on, the
 * page says how long each call took.
 */
@SpringBootTest(properties = {"spring.config.name=web",
        "eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=",
        "spring.cloud.function.definition=", "spring.cloud.stream.function.autodetect=false",
        "eventshop.web.heartbeat=1h", "eventshop.web.server-timing=true",
        // longer than a hold: a call still open is waited for by a page that waits, not timed out under it
        "eventshop.calls.read-timeout=30s"})
@AutoConfigureMockMvc
class PageCallsTest {

    static final StubServices SERVICES = new StubServices();

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        SERVICES.standInForEveryService(registry);
    }

    @AfterAll
    static void stop() {
        SERVICES.close();
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    EdgeTokens tokens;

    final EdgeUser ada = EdgeUser.customer("c-" + UUID.randomUUID(), "ada@example.com");

    static final String CART = "{\"lines\":[{\"sku\":\"SKU-1\",\"name\":\"Lamp\",\"quantity\":3,\"unitPriceCents\":2500,"
            + "\"lineTotalCents\":7500,\"available\":true}],\"subtotalCents\":7500,\"taxCents\":450,\"totalCents\":7950}";
    static final String LISTING = "{\"items\":[{\"sku\":\"SKU-1\",\"name\":\"Lamp\",\"priceCents\":2500,\"available\":3}],"
            + "\"page\":0,\"size\":12,\"total\":1}";
    static final String FRESHNESS = "{\"applied\":1234,\"lag\":0,\"caughtUp\":true}";
    static final String ORDERS = "{\"items\":[],\"page\":0,\"size\":20,\"total\":0}";

    @BeforeEach
    void reset() {
        SERVICES.reset();
        SERVICES.answer("GET /api/cart", CART).answer("GET /api/views/freshness", FRESHNESS)
                .answer("GET /api/catalog/products", LISTING).answer("GET /api/orders", ORDERS);
    }

    String token(EdgeUser user) {
        return tokens.mint(user);
    }

    MockHttpServletResponse page(String token, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.header("Authorization", "Bearer " + token).header(Csrf.HEADER, "csrf"))
                .andReturn().getResponse();
    }

    @Test
    void theCatalogsCalls_andTheBadge_areMadeAtTheSameTime_eachAsTheCustomer() throws Exception {
        // given: the listing answers only once the freshness and the badge's cart read have arrived too
        StubServices.Hold listing = SERVICES.holdUntil("GET /api/catalog/products", "/api/views/freshness", "/api/cart");
        String token = token(ada);

        // when
        MockHttpServletResponse response = page(token, get("/products"));

        // then
        assertThat(listing.heldTooLong()).as("the listing's answer waited for calls that never came").isFalse();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).contains("Lamp", "1,234").containsPattern("id=\"cart-badge\"[^>]*>3</span>");
        for (String call : List.of("/api/catalog/products", "/api/views/freshness", "/api/cart")) {
            assertThat(SERVICES.last("GET", call).header("Authorization")).as(call).isEqualTo("Bearer " + token);
        }
    }

    @Test
    void theOrderHistorysCalls_areMadeAtTheSameTime_eachAsTheCustomer() throws Exception {
        StubServices.Hold orders = SERVICES.holdUntil("GET /api/orders", "/api/views/freshness");
        String token = token(ada);

        MockHttpServletResponse response = page(token, get("/orders"));

        assertThat(orders.heldTooLong()).isFalse();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(SERVICES.last("GET", "/api/orders").header("Authorization")).isEqualTo("Bearer " + token);
        assertThat(SERVICES.last("GET", "/api/views/freshness").header("Authorization")).isEqualTo("Bearer " + token);
    }

    @Test
    void aCallThatFails_isThe503Page_atOnce_withoutWaitingForTheCallStillOpen() throws Exception {
        // given: the listing does not answer until released; the freshness fails
        StubServices.Hold listing = SERVICES.hold("GET /api/catalog/products");
        SERVICES.answer("GET /api/views/freshness", 503, "{\"status\":503}", java.util.Map.of());
        try {
            // when
            MockHttpServletResponse response = page(token(ada), get("/products"));

            // then: the page answered while the listing was still held
            assertThat(listing.answered()).as("the page waited for the listing").isFalse();
            assertThat(response.getStatus()).isEqualTo(503);
            assertThat(response.getHeader("Retry-After")).isEqualTo("5");
            assertThat(response.getContentAsString()).contains("Nothing was changed");
        } finally {
            listing.release();
        }
    }

    @Test
    void aBadgeThatCannotBeRead_leavesThePageRendering_withoutTheCount() throws Exception {
        SERVICES.answer("GET /api/cart", 503, "{\"status\":503}", java.util.Map.of());

        MockHttpServletResponse response = page(token(ada), get("/products"));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).contains("Lamp").containsPattern("id=\"cart-badge\"[^>]*></span>");
    }

    @Test
    void theCartPage_readsTheCartOnce_andCountsTheBadgeFromThatRead() throws Exception {
        MockHttpServletResponse response = page(token(ada), get("/cart?ct=carts:42"));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).containsPattern("id=\"cart-badge\"[^>]*>3</span>");
        assertThat(SERVICES.requests()).filteredOn(request -> request.uri().startsWith("/api/cart"))
                .singleElement().satisfies(read -> assertThat(read.header("Consistency-Token")).isEqualTo("carts:42"));
    }

    @Test
    void theCheckoutPage_readsTheAccountAndTheCartAtTheSameTime_andTheCartOnce() throws Exception {
        SERVICES.answer("GET /api/accounts/me", "{\"accountId\":\"" + ada.id() + "\",\"email\":\"ada@example.com\","
                + "\"name\":\"Ada\",\"status\":\"ACTIVE\",\"addresses\":[],\"cards\":[]}");
        StubServices.Hold account = SERVICES.holdUntil("GET /api/accounts/me", "/api/cart");
        String token = token(ada);

        MockHttpServletResponse response = page(token, get("/checkout"));

        assertThat(account.heldTooLong()).isFalse();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).containsPattern("id=\"cart-badge\"[^>]*>3</span>");
        assertThat(SERVICES.requests()).filteredOn(request -> request.uri().startsWith("/api/cart")).hasSize(1);
        assertThat(SERVICES.last("GET", "/api/accounts/me").header("Authorization")).isEqualTo("Bearer " + token);
        assertThat(SERVICES.last("GET", "/api/cart").header("Authorization")).isEqualTo("Bearer " + token);
    }

    @Test
    void anAnonymousVisitor_getsNoBadge_andCartsIsNotCalled() throws Exception {
        MockHttpServletResponse response = page(token(EdgeUser.ANONYMOUS), get("/products"));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(SERVICES.requests()).noneMatch(request -> request.uri().startsWith("/api/cart"));
    }

    @Test
    void withServerTimingOn_thePageSaysHowLongEachCallTook() throws Exception {
        MockHttpServletResponse response = page(token(ada), get("/products"));

        assertThat(response.getHeader("Server-Timing"))
                .containsPattern("call\\d;dur=\\d+\\.\\d;desc=\"GET /api/catalog/products\"")
                .containsPattern("call\\d;dur=\\d+\\.\\d;desc=\"GET /api/views/freshness\"")
                .containsPattern("call\\d;dur=\\d+\\.\\d;desc=\"GET /api/cart\"")
                .containsPattern("handler;dur=\\d+\\.\\d");
    }
}
