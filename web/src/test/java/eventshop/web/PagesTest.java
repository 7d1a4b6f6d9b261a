package eventshop.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import eventshop.contracts.EventEnvelope;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.web.site.Csrf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The storefront's pages rendered by the real web application against stub services (a real HTTP server
 * answering as the services' APIs would): what each page shows, what it sends to the services (as the customer,
 * with consistency tokens, idempotency keys), how refusals show next to their fields, escaping, the CSP, and the
 * live streams fed through the same consumer beans the Kafka bindings call.
 */
@SpringBootTest(properties = {"spring.config.name=web",
        "eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=",
        // the live consumers are called directly here (the launcher's browser test runs them over Kafka)
        "spring.cloud.function.definition=", "spring.cloud.stream.function.autodetect=false",
        "eventshop.web.heartbeat=1h"})
@AutoConfigureMockMvc
class PagesTest {

    static final StubServices SERVICES = new StubServices();
    static final String CSRF = "csrf-token-from-edge";

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        for (String service : new String[] {"accounts", "catalog", "inventory", "carts", "orders", "payments", "views"}) {
            registry.add("eventshop.services." + service + ".url", SERVICES::url);
        }
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

    static final String EMPTY_CART = "{\"lines\":[],\"subtotalCents\":0,\"taxCents\":0,\"totalCents\":0}";
    static final String FRESHNESS = "{\"applied\":1234,\"lag\":0,\"caughtUp\":true}";

    @BeforeEach
    void reset() {
        SERVICES.reset();
        SERVICES.answer("GET /api/cart", EMPTY_CART).answer("GET /api/views/freshness", FRESHNESS);
    }

    MockHttpServletRequestBuilder as(EdgeUser user, MockHttpServletRequestBuilder request) {
        return request.header("Authorization", "Bearer " + tokens.mint(user)).header(Csrf.HEADER, CSRF);
    }

    MockHttpServletResponse page(EdgeUser user, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(as(user, request)).andReturn().getResponse();
    }

    static String products(String... items) {
        return "{\"items\":[" + String.join(",", items) + "],\"page\":0,\"size\":12,\"total\":" + items.length + "}";
    }

    static String product(String sku, String name, long price, int available) {
        return "{\"sku\":\"" + sku + "\",\"name\":\"" + name.replace("\"", "\\\"") + "\",\"description\":\"A fine thing\","
                + "\"priceCents\":" + price + ",\"available\":" + available + "}";
    }

    @Nested
    class Catalog {

        @Test
        void theCatalog_listsProducts_withPricesAndTheFreshnessNote_andForwardsSearchAndSort() throws Exception {
            // given
            SERVICES.answer("GET /api/catalog/products", products(product("SKU-1", "Lamp", 2500, 3),
                    product("SKU-2", "Mug", 900, 0)));

            // when
            MockHttpServletResponse response = page(EdgeUser.ANONYMOUS, get("/products?q=lamp&sort=-price&page=0"));

            // then
            assertThat(response.getStatus()).isEqualTo(200);
            String html = response.getContentAsString();
            assertThat(html).contains("Lamp", "$25.00", "3 available", "Mug", "$9.00", "Out of stock");
            assertThat(html).contains("1,234", "up to date with the log");
            assertThat(SERVICES.last("GET", "/api/catalog/products").uri()).contains("q=lamp", "sort=-price", "size=12");
        }

        @Test
        void noResults_sayWhatWasSearched_andOfferTheWayBack() throws Exception {
            SERVICES.answer("GET /api/catalog/products", products());

            String html = page(EdgeUser.ANONYMOUS, get("/products?q=unicorn")).getContentAsString();

            assertThat(html).contains("No products match", "unicorn", "href=\"/products\"");
        }

        @Test
        void aProductNamedLikeMarkup_rendersAsText() throws Exception {
            String xss = "<img src=x onerror=alert(1)>";
            SERVICES.answer("GET /api/catalog/products", products(product("SKU-X", xss, 100, 1)));
            SERVICES.answer("GET /api/catalog/products/SKU-X", product("SKU-X", xss, 100, 1));

            String listing = page(EdgeUser.ANONYMOUS, get("/products")).getContentAsString();
            String productPage = page(EdgeUser.ANONYMOUS, get("/products/SKU-X")).getContentAsString();

            for (String html : new String[] {listing, productPage}) {
                assertThat(html).doesNotContain(xss).contains("&lt;img src=x onerror=alert(1)&gt;");
            }
        }

        @Test
        void everyPage_hasAContentSecurityPolicy_andNoInlineScript() throws Exception {
            SERVICES.answer("GET /api/catalog/products", products(product("SKU-1", "Lamp", 2500, 3)));

            MockHttpServletResponse response = page(ada, get("/"));

            assertThat(response.getHeader("Content-Security-Policy")).contains("script-src 'self'")
                    .doesNotContain("unsafe-inline");
            String html = response.getContentAsString();
            assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>").doesNotContainPattern("\\son[a-z]+=");
        }

        @Test
        void theProductPage_showsPriceAndAvailability_andStreamsIt() throws Exception {
            SERVICES.answer("GET /api/catalog/products/SKU-1", product("SKU-1", "Lamp", 2500, 3));

            String html = page(EdgeUser.ANONYMOUS, get("/products/SKU-1")).getContentAsString();

            assertThat(html).contains("Lamp", "$25.00", "3 available", "sse-connect=\"/products/SKU-1/live\"",
                    "<label for=\"quantity\">Quantity</label>", "name=\"_csrf\" value=\"" + CSRF + "\"");
        }

        @Test
        void anUnknownProduct_isA404Page() throws Exception {
            MockHttpServletResponse response = page(EdgeUser.ANONYMOUS, get("/products/NOPE"));

            assertThat(response.getStatus()).isEqualTo(404);
            assertThat(response.getContentAsString()).contains("Not found");
        }

        @Test
        void aServiceThatDoesNotAnswer_isA503Page_thatChangedNothing() throws Exception {
            SERVICES.down(true);

            MockHttpServletResponse response = page(EdgeUser.ANONYMOUS, get("/products"));

            assertThat(response.getStatus()).isEqualTo(503);
            assertThat(response.getHeader("Retry-After")).isEqualTo("5");
            assertThat(response.getContentAsString()).contains("Nothing was changed");
        }
    }

    @Nested
    class Cart {

        static final String CART = "{\"lines\":[{\"sku\":\"SKU-1\",\"name\":\"Lamp\",\"quantity\":2,\"unitPriceCents\":2500,"
                + "\"lineTotalCents\":5000,\"available\":true}],\"subtotalCents\":5000,\"taxCents\":300,\"totalCents\":5300}";

        @Test
        void addingToTheCart_redirectsToTheCart_withTheCommandsToken() throws Exception {
            SERVICES.answer("POST /api/cart/items", 200, CART, Map.of("Consistency-Token", "carts:42"));

            MockHttpServletResponse response = page(ada, post("/cart/items").param("sku", "SKU-1").param("quantity", "2")
                    .param("_csrf", CSRF));

            assertThat(response.getStatus()).isEqualTo(302);
            assertThat(response.getRedirectedUrl()).isEqualTo("/cart?ct=carts%3A42");
            StubServices.Request sent = SERVICES.last("POST", "/api/cart/items");
            assertThat(sent.body()).contains("\"sku\":\"SKU-1\"", "\"quantity\":2");
            assertThat(sent.header("Authorization")).startsWith("Bearer ");
        }

        @Test
        void aRefusedQuantity_isShownNextToTheField_withWhatWasTyped() throws Exception {
            SERVICES.answer("POST /api/cart/items", 400, "{\"type\":\"/problems/invalid-fields\",\"status\":400,"
                    + "\"detail\":\"invalid\",\"errors\":[{\"field\":\"quantity\",\"in\":\"body\",\"message\":\"must be at most 1000\"}]}",
                    Map.of());
            SERVICES.answer("GET /api/catalog/products/SKU-1", product("SKU-1", "Lamp", 2500, 3));

            MockHttpServletResponse response = page(ada, post("/cart/items").param("sku", "SKU-1").param("quantity", "5000"));

            assertThat(response.getStatus()).isEqualTo(422);
            assertThat(response.getContentAsString()).contains("must be at most 1000", "value=\"5000\"",
                    "aria-invalid=\"true\"");
        }

        @Test
        void theCartPage_showsLinesSubtotalTaxAndTotal_andTheBadge() throws Exception {
            SERVICES.answer("GET /api/cart", CART);

            String html = page(ada, get("/cart?ct=carts:42")).getContentAsString();

            assertThat(html).contains("Lamp", "$50.00", "$3.00", "$53.00", "Tax (6%)");
            assertThat(html).containsPattern("id=\"cart-badge\"[^>]*>2</span>");
            assertThat(SERVICES.last("GET", "/api/cart").header("Consistency-Token")).isEqualTo("carts:42");
        }

        @Test
        void aVisitor_isSentToLogIn_andBack() throws Exception {
            MockHttpServletResponse response = page(EdgeUser.ANONYMOUS, get("/cart"));

            assertThat(response.getRedirectedUrl()).isEqualTo("/login?next=%2Fcart");
            assertThat(SERVICES.requests()).noneMatch(request -> request.uri().startsWith("/api/cart"));
        }
    }

    @Nested
    class Checkout {

        static final String ACCOUNT = "{\"accountId\":\"a1\",\"email\":\"ada@example.com\",\"name\":\"Ada\",\"status\":\"ACTIVE\","
                + "\"addresses\":[],\"cards\":[]}";

        @BeforeEach
        void aCartAndAnAccount() {
            SERVICES.answer("GET /api/cart", Cart.CART).answer("GET /api/accounts/me", ACCOUNT);
        }

        @Test
        void aNewCard_isTokenizedFirst_thenTheCartIsCheckedOut_andTheOrderPageGetsTheToken() throws Exception {
            // given
            SERVICES.answer("POST /api/payments/tokens", 201, "{\"token\":\"tok_1\",\"brand\":\"VISA\",\"last4\":\"4242\"}", Map.of());
            SERVICES.answer("POST /api/cart/checkout", 202, "{\"orderId\":\"o-1\"}", Map.of("Consistency-Token", "carts:43"));

            // when
            MockHttpServletResponse response = page(ada, post("/checkout").param("name", "Ada").param("line1", "1 Main St")
                    .param("city", "Springfield").param("postalCode", "12345").param("country", "US").param("card", "new")
                    .param("number", "4242 4242 4242 4242").param("expMonth", "12").param("expYear", "2031")
                    .param("cvc", "123").param("key", "k-1"));

            // then
            assertThat(response.getRedirectedUrl()).isEqualTo("/orders/o-1?ct=carts%3A43");
            assertThat(SERVICES.last("POST", "/api/payments/tokens").body()).contains("\"number\":\"4242424242424242\"");
            StubServices.Request checkout = SERVICES.last("POST", "/api/cart/checkout");
            assertThat(checkout.body()).contains("\"cardToken\":\"tok_1\"", "\"city\":\"Springfield\"");
            assertThat(checkout.header("Idempotency-Key")).isEqualTo("k-1");
        }

        @Test
        void aRefusedCard_isShownNextToTheNumber_theAddressIsKept_theNumberIsNotRenderedBack() throws Exception {
            SERVICES.answer("POST /api/payments/tokens", 422, "{\"type\":\"/problems/invalid-fields\",\"status\":422,"
                    + "\"detail\":\"invalid\",\"errors\":[{\"field\":\"number\",\"in\":\"body\",\"message\":\"is not a valid card number\"}]}",
                    Map.of());

            MockHttpServletResponse response = page(ada, post("/checkout").param("name", "Ada").param("line1", "1 Main St")
                    .param("city", "Springfield").param("postalCode", "12345").param("country", "US").param("card", "new")
                    .param("number", "4242 0000 1111 9999").param("expMonth", "12").param("expYear", "2031").param("cvc", "123"));

            assertThat(response.getStatus()).isEqualTo(422);
            String html = response.getContentAsString();
            assertThat(html).contains("is not a valid card number", "value=\"Springfield\"", "value=\"1 Main St\"")
                    .doesNotContain("4242 0000 1111 9999", "4242000011119999");
            assertThat(SERVICES.requests()).noneMatch(request -> request.uri().startsWith("/api/cart/checkout"));
        }

        @Test
        void aCheckoutEdgeRefusedForOverload_isTheFormAgain_with503_andNothingIsTokenizedNorCheckedOut() throws Exception {
            MockHttpServletResponse response = page(ada, post("/checkout").header("X-Eventshop-Overloaded", "2")
                    .param("name", "Ada").param("line1", "1 Main St").param("city", "Springfield")
                    .param("postalCode", "12345").param("country", "US").param("card", "new")
                    .param("number", "4242 0000 1111 9999").param("expMonth", "12").param("expYear", "2031")
                    .param("cvc", "123").param("key", "k-1"));

            assertThat(response.getStatus()).isEqualTo(503);
            assertThat(response.getHeader("Retry-After")).isEqualTo("2");
            assertThat(response.getContentAsString()).contains("more orders than it can handle right now",
                    "value=\"Springfield\"", "value=\"1 Main St\"").doesNotContain("4242 0000 1111 9999");
            assertThat(SERVICES.requests()).noneMatch(request -> request.uri().startsWith("/api/cart/checkout")
                    || request.uri().startsWith("/api/payments/tokens"));
        }

        @Test
        void addressErrors_fromTheCheckout_landOnTheirFields() throws Exception {
            SERVICES.answer("POST /api/payments/tokens", 201, "{\"token\":\"tok_1\",\"brand\":\"VISA\",\"last4\":\"4242\"}", Map.of());
            SERVICES.answer("POST /api/cart/checkout", 400, "{\"type\":\"/problems/invalid-fields\",\"status\":400,"
                    + "\"detail\":\"invalid\",\"errors\":[{\"field\":\"shippingAddress.city\",\"in\":\"body\",\"message\":\"must not be blank\"}]}",
                    Map.of());

            String html = page(ada, post("/checkout").param("name", "Ada").param("line1", "1 Main St").param("card", "new")
                    .param("number", "4242424242424242").param("expMonth", "12").param("expYear", "2031").param("cvc", "1"))
                    .getContentAsString();

            assertThat(html).containsPattern("id=\"city-error\"[^>]*>must not be blank<");
        }

        @Test
        void aSuspendedAccount_seesWhyItCannotCheckOut() throws Exception {
            SERVICES.answer("GET /api/accounts/me", ACCOUNT.replace("ACTIVE", "SUSPENDED"));

            String html = page(ada, get("/checkout")).getContentAsString();

            assertThat(html).contains("Your account is SUSPENDED: it cannot check out.").doesNotContain("Place order");
        }

        @Test
        void theCheckoutPage_namesTheTestCards_andLabelsEveryField() throws Exception {
            String html = page(ada, get("/checkout")).getContentAsString();

            assertThat(html).contains("4242 4242 4242 4242", "4000 0000 0000 0002", "<label for=\"number\">Card number</label>",
                    "<label for=\"city\">City</label>", "name=\"key\"");
        }
    }

    @Nested
    class Orders {

        static final String ORDER = "{\"orderId\":\"o-1\",\"status\":\"STOCK_RESERVED\",\"lines\":[{\"sku\":\"SKU-1\","
                + "\"name\":\"Lamp\",\"quantity\":2,\"unitPriceCents\":2500,\"lineTotalCents\":5000}],\"subtotalCents\":5000,"
                + "\"taxCents\":300,\"totalCents\":5300,\"timeline\":[{\"status\":\"PLACED\",\"at\":\"2026-01-01T10:00:00Z\"},"
                + "{\"status\":\"STOCK_RESERVED\",\"at\":\"2026-01-01T10:00:00.400Z\"}],"
                + "\"_links\":{\"self\":{\"href\":\"/api/orders/o-1\"},\"cancel\":{\"href\":\"/api/orders/o-1/cancel\"}}}";

        @Autowired
        @Qualifier("orderSteps")
        Consumer<Message<byte[]>> orderSteps;

        @Test
        void theOrderPage_readsWithTheCheckoutsToken_andShowsEachStepWithTimeSinceCheckout() throws Exception {
            SERVICES.answer("GET /api/orders/o-1", ORDER);

            String html = page(ada, get("/orders/o-1?ct=carts:43")).getContentAsString();

            assertThat(SERVICES.last("GET", "/api/orders/o-1").header("Consistency-Token")).isEqualTo("carts:43");
            assertThat(html).contains("Order placed", "Stock reserved", "+0.4 s", "Cancel this order",
                    "sse-connect=\"/orders/o-1/live\"");
        }

        @Test
        void aMalformedToken_isNotSent() throws Exception {
            SERVICES.answer("GET /api/orders/o-1", ORDER);

            page(ada, get("/orders/o-1?ct=%3Cscript%3E"));

            assertThat(SERVICES.last("GET", "/api/orders/o-1").header("Consistency-Token")).isNull();
        }

        @Test
        void anotherCustomersOrder_isA404() throws Exception {
            MockHttpServletResponse response = page(ada, get("/orders/someone-elses"));

            assertThat(response.getStatus()).isEqualTo(404);
        }

        @Test
        void theLiveStream_sendsTheStepsAtOnce_thenEachNewStep_andADeclineInWords() throws Exception {
            // given
            SERVICES.answer("GET /api/orders/o-1", ORDER);
            MvcResult stream = mvc.perform(as(ada, get("/orders/o-1/live"))).andReturn();
            MockHttpServletResponse response = stream.getResponse();
            assertThat(response.getContentType()).startsWith("text/event-stream");
            await().atMost(Duration.ofSeconds(5)).until(() -> response.getContentAsString().contains("event:order"));

            // when
            orderSteps.accept(event("OrderCancelled", "order-o-1", "{\"orderId\":\"o-1\",\"customerId\":\"c\","
                    + "\"reason\":\"PAYMENT_DECLINED\",\"detail\":\"card declined\",\"previousStatus\":\"STOCK_RESERVED\"}",
                    Instant.parse("2026-01-01T10:00:01.200Z")));
            orderSteps.accept(event("OrderCancelled", "order-o-1", "{\"orderId\":\"o-1\",\"reason\":\"PAYMENT_DECLINED\"}",
                    Instant.parse("2026-01-01T10:00:09Z"))); // a redelivery changes nothing

            // then
            await().atMost(Duration.ofSeconds(5)).until(() -> response.getContentAsString().contains("Cancelled"));
            String sent = response.getContentAsString(StandardCharsets.UTF_8);
            assertThat(sent).contains("payment declined (card declined): your reserved items were released", "+1.2 s")
                    .doesNotContain("+9.0 s");
            assertThat(sent.split("event:order", -1)).hasSize(3); // the first render, then the one new step
            assertThat(sent.substring(sent.lastIndexOf("event:order"))).doesNotContain("Cancel this order");
        }

        @Test
        void aStreamOnAnotherCustomersOrder_isRefused() throws Exception {
            MockHttpServletResponse response = page(ada, get("/orders/someone-elses/live"));

            assertThat(response.getStatus()).isEqualTo(404);
        }
    }

    @Nested
    class Accounts {

        @Test
        void aTakenEmail_isShownNextToIt_andTheNameIsKept() throws Exception {
            SERVICES.answer("POST /api/accounts", 409, "{\"type\":\"/problems/email-taken\",\"status\":409,"
                    + "\"detail\":\"that e-mail address is already registered\"}", Map.of());

            MockHttpServletResponse response = page(EdgeUser.ANONYMOUS, post("/register").param("name", "Ada <b>")
                    .param("email", "ada@example.com").param("password", "correct horse"));

            assertThat(response.getStatus()).isEqualTo(409);
            assertThat(response.getContentAsString()).contains("that e-mail address is already registered",
                    "value=\"Ada &lt;b&gt;\"").doesNotContain("correct horse");
        }

        @Test
        void registering_leadsToTheLoginPage_thenTheMailbox() throws Exception {
            SERVICES.answer("POST /api/accounts", 201, "{\"accountId\":\"a-1\"}", Map.of());

            MockHttpServletResponse response = page(EdgeUser.ANONYMOUS, post("/register").param("name", "Ada")
                    .param("email", "ada@example.com").param("password", "correct horse"));

            assertThat(response.getRedirectedUrl()).isEqualTo("/login?registered=1&next=/mailbox&email=ada%40example.com");
        }

        @Test
        void theLoginPage_saysWhyALoginFailed_inItsOwnWords_andNeverSendsElsewhere() throws Exception {
            String html = page(EdgeUser.ANONYMOUS, get("/login?error=account-suspended&next=//evil.example")).getContentAsString();

            assertThat(html).contains("This account is suspended").contains("name=\"next\" value=\"/\"");
        }

        @Test
        void theMailbox_showsTheConfirmationCode() throws Exception {
            SERVICES.answer("GET /api/accounts/me/messages", "[{\"id\":\"m1\",\"kind\":\"CONFIRMATION\",\"subject\":\"Confirm\","
                    + "\"body\":\"Your code\",\"code\":\"834211\",\"at\":\"2026-01-01T10:00:00Z\"}]");
            SERVICES.answer("GET /api/accounts/me", Checkout.ACCOUNT);

            String html = page(ada, get("/mailbox")).getContentAsString();

            assertThat(html).contains("834211", "Confirm").doesNotContain("Send a new code");
        }

        @Test
        void aPendingAccountsMailbox_offersANewCode_whichGoesToTheMailboxThatReadsWithTheToken() throws Exception {
            // given
            SERVICES.answer("GET /api/accounts/me/messages", "[]");
            SERVICES.answer("GET /api/accounts/me", Checkout.ACCOUNT.replace("ACTIVE", "PENDING"));
            assertThat(page(ada, get("/mailbox")).getContentAsString())
                    .contains("action=\"/mailbox/new-code\"", "Send a new code");
            SERVICES.answer("POST /api/accounts/me/confirmation-code", 202, "", Map.of("Consistency-Token", "accounts:12"));

            // when
            MockHttpServletResponse response = page(ada, post("/mailbox/new-code"));

            // then
            assertThat(response.getRedirectedUrl()).isEqualTo("/mailbox?ct=accounts%3A12");
            assertThat(SERVICES.last("POST", "/api/accounts/me/confirmation-code")).isNotNull();
        }

        @Test
        void aNewCodeAskedForTooSoon_isShownOnTheMailbox_with429() throws Exception {
            SERVICES.answer("GET /api/accounts/me/messages", "[]");
            SERVICES.answer("GET /api/accounts/me", Checkout.ACCOUNT.replace("ACTIVE", "PENDING"));
            SERVICES.answer("POST /api/accounts/me/confirmation-code", 429, "{\"type\":\"/problems/too-many-code-requests\","
                    + "\"status\":429,\"detail\":\"a new code was sent a moment ago\"}", Map.of("Retry-After", "40"));

            MockHttpServletResponse response = page(ada, post("/mailbox/new-code"));

            assertThat(response.getStatus()).isEqualTo(429);
            assertThat(response.getContentAsString()).contains("a new code was sent a moment ago", "Send a new code");
        }

        @Test
        void theLoginPage_saysSoWhenThereWereTooManyFailedLogins() throws Exception {
            String html = page(EdgeUser.ANONYMOUS, get("/login?error=too-many-login-attempts")).getContentAsString();

            assertThat(html).contains("Too many failed logins");
        }

        @Test
        void theAccountPage_offersToCloseTheAccount_withThePassword_butNotOnceArchived() throws Exception {
            SERVICES.answer("GET /api/accounts/me", Checkout.ACCOUNT);
            assertThat(page(ada, get("/account")).getContentAsString())
                    .contains("action=\"/account/forget\"", "<label for=\"f-password\">Your password</label>");

            SERVICES.answer("GET /api/accounts/me", Checkout.ACCOUNT.replace("ACTIVE", "ARCHIVED"));
            assertThat(page(ada, get("/account")).getContentAsString()).doesNotContain("/account/forget");
        }

        @Test
        void closingTheAccount_sendsThePasswordToAccounts_andSaysTheDataIsErased() throws Exception {
            SERVICES.answer("DELETE /api/accounts/me", 204, "", Map.of("Consistency-Token", "accounts:30"));

            MockHttpServletResponse response = page(ada, post("/account/forget").param("password", "ada-password"));

            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentAsString()).contains("Your account is closed", "action=\"/logout\"")
                    .doesNotContain("ada@example.com");
            assertThat(SERVICES.last("DELETE", "/api/accounts/me").body()).isEqualTo("{\"password\":\"ada-password\"}");
        }

        @Test
        void aWrongPassword_isTheAccountPageAgain_with422_andTheErrorAtThePassword() throws Exception {
            SERVICES.answer("GET /api/accounts/me", Checkout.ACCOUNT);
            SERVICES.answer("DELETE /api/accounts/me", 422, "{\"type\":\"/problems/wrong-password\",\"status\":422,"
                    + "\"detail\":\"the password is not this account's; nothing was forgotten\"}", Map.of());

            MockHttpServletResponse response = page(ada, post("/account/forget").param("password", "not-it"));

            assertThat(response.getStatus()).isEqualTo(422);
            String html = response.getContentAsString();
            assertThat(html).contains("Your account", "aria-invalid=\"true\"").doesNotContain("not-it",
                    "Your account is closed");
            assertThat(html).contains("the password is not this account&#39;s; nothing was forgotten");
        }

        @Test
        void confirming_redirectsToTheAccount_whichReadsWithTheToken() throws Exception {
            SERVICES.answer("POST /api/accounts/me/confirm", 204, "", Map.of("Consistency-Token", "accounts:9"));

            MockHttpServletResponse response = page(ada, post("/account/confirm").param("code", "834211"));

            assertThat(response.getRedirectedUrl()).isEqualTo("/account?ct=accounts%3A9");
            assertThat(SERVICES.last("POST", "/api/accounts/me/confirm").body()).contains("834211");
        }
    }

    static Message<byte[]> event(String type, String stream, String json, Instant at) {
        return MessageBuilder.withPayload(json.getBytes(StandardCharsets.UTF_8))
                .setHeader(EventEnvelope.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8))
                .setHeader(EventEnvelope.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8))
                .setHeader(EventEnvelope.STREAM_ID, stream.getBytes(StandardCharsets.UTF_8))
                .setHeader(EventEnvelope.EVENT_TIMESTAMP, at.toString().getBytes(StandardCharsets.UTF_8))
                .build();
    }
}
