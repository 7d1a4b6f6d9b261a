package eventshop.catalog.products;

import static eventshop.catalog.Http.quote;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.catalog.CatalogTest;
import eventshop.catalog.Http;
import eventshop.catalog.Http.Response;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventStore;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The admin's product commands over HTTP: who may, what is refused, and that a refusal stores nothing. */
@CatalogTest
class ProductsApiTest {

    private static final String PRODUCTS = "/api/catalog/products";

    @LocalServerPort
    int port;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    EventStore store;

    Http http;
    String admin;
    String customer;
    String anonymous;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        admin = tokens.mint(new EdgeUser("acc-admin", "admin@example.com", Set.of(EdgeToken.ADMIN)));
        customer = tokens.mint(new EdgeUser("acc-1", "a@x.io", Set.of(EdgeToken.CUSTOMER)));
        anonymous = tokens.mint(new EdgeUser(EdgeToken.ANONYMOUS, "", Set.of()));
    }

    static String product(String sku, String name, long priceCents) {
        return "{\"sku\":" + quote(sku) + ",\"name\":" + quote(name) + ",\"description\":\"A test product\","
                + "\"priceCents\":" + priceCents + "}";
    }

    Response add(String sku, String name, long priceCents) {
        Response response = http.post(PRODUCTS).token(admin).json(product(sku, name, priceCents)).send();
        assertThat(response.status()).as("%s", response).isEqualTo(201);
        return response;
    }

    /** Runs {@code request}, checks it was refused with {@code status} as a problem, and that the log did not grow. */
    Response refused(int status, Supplier<Response> request) {
        long head = store.headPosition();
        Response response = request.get();
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("status").asInt()).isEqualTo(status);
        assertThat(store.headPosition()).as("events appended by a refused request").isEqualTo(head);
        return response;
    }

    JsonNode read(String sku) {
        Response response = http.get(PRODUCTS + "/" + sku).token(anonymous).send();
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json();
    }

    void notFound(String sku) {
        assertThat(http.get(PRODUCTS + "/" + sku).token(anonymous).send().status()).isEqualTo(404);
    }

    @Nested
    class Security {

        @Test
        void withoutAToken_everythingIs401() {
            refused(401, () -> http.get(PRODUCTS).send());
            refused(401, () -> http.get(PRODUCTS + "/SEC-1").send());
            refused(401, () -> http.post(PRODUCTS).json(product("SEC-1", "Nope", 100)).send());
            refused(401, () -> http.put(PRODUCTS + "/SEC-1/price").json("{\"priceCents\":5}").send());
            refused(401, () -> http.delete(PRODUCTS + "/SEC-1").send());
            notFound("SEC-1");
        }

        @Test
        void aTokenNotMintedByEdge_is401() {
            refused(401, () -> http.get(PRODUCTS).token("not-a-jwt").send());
            refused(401, () -> http.post(PRODUCTS).token(admin + "x").json(product("SEC-2", "Nope", 100)).send());
            notFound("SEC-2");
        }

        @Test
        void aCustomer_cannotAddRepriceOrDiscontinue() {
            add("SEC-3", "Guarded", 500);

            refused(403, () -> http.post(PRODUCTS).token(customer).json(product("SEC-4", "Nope", 100)).send());
            refused(403, () -> http.put(PRODUCTS + "/SEC-3/price").token(customer).json("{\"priceCents\":1}").send());
            refused(403, () -> http.delete(PRODUCTS + "/SEC-3").token(customer).send());

            notFound("SEC-4");
            assertThat(read("SEC-3").path("priceCents").asLong()).isEqualTo(500);
            assertThat(read("SEC-3").path("discontinued").asBoolean()).isFalse();
        }

        @Test
        void anAnonymousCaller_canRead_butMustLogInToWrite() {
            add("SEC-5", "Open to all", 700);

            assertThat(read("SEC-5").path("name").asString()).isEqualTo("Open to all");
            refused(401, () -> http.post(PRODUCTS).token(anonymous).json(product("SEC-6", "Nope", 100)).send());
            refused(401, () -> http.delete(PRODUCTS + "/SEC-5").token(anonymous).send());
            notFound("SEC-6");
            assertThat(read("SEC-5").path("discontinued").asBoolean()).isFalse();
        }

        @Test
        void aCustomer_canRead() {
            add("SEC-7", "For customers", 700);

            Response response = http.get(PRODUCTS + "/SEC-7").token(customer).send();

            assertThat(response.status()).isEqualTo(200);
        }
    }

    @Nested
    class Adding {

        @Test
        void anAdmin_addsAProduct_201_withLocationBodyAndConsistencyToken() {
            Response response = http.post(PRODUCTS).token(admin).json("{\"sku\":\"ADD-1\",\"name\":\"Espresso cup\","
                    + "\"description\":\"Porcelain, 80 ml\",\"priceCents\":1299,\"imageUrl\":\"/images/add-1.svg\"}").send();

            assertThat(response.status()).as("%s", response).isEqualTo(201);
            assertThat(response.header("Location")).hasValue("/api/catalog/products/ADD-1");
            assertThat(response.header(ConsistencyToken.HEADER)).hasValueSatisfying(
                    token -> assertThat(ConsistencyToken.parse(token).source()).isEqualTo("catalog"));
            JsonNode body = response.json();
            assertThat(body.path("sku").asString()).isEqualTo("ADD-1");
            assertThat(body.path("name").asString()).isEqualTo("Espresso cup");
            assertThat(body.path("description").asString()).isEqualTo("Porcelain, 80 ml");
            assertThat(body.path("priceCents").asLong()).isEqualTo(1299);
            assertThat(body.path("available").asInt()).isZero();
            assertThat(body.path("imageUrl").asString()).isEqualTo("/images/add-1.svg");
        }

        @Test
        void theDescriptionAndImage_mayBeLeftOut() {
            Response response = http.post(PRODUCTS).token(admin)
                    .json("{\"sku\":\"ADD-2\",\"name\":\"Plain\",\"priceCents\":100}").send();

            assertThat(response.status()).as("%s", response).isEqualTo(201);
            JsonNode product = http.get(PRODUCTS + "/ADD-2").token(anonymous)
                    .header(ConsistencyToken.HEADER, response.header(ConsistencyToken.HEADER).orElseThrow()).send().json();
            assertThat(product.path("description").asString()).isEmpty();
            assertThat(product.path("imageUrl").asString()).isEmpty();
        }

        @Test
        void addingATakenSku_is409_andChangesNothing() {
            add("ADD-3", "First", 100);

            Response response = refused(409, () -> http.post(PRODUCTS).token(admin)
                    .json(product("ADD-3", "Second", 200)).send());

            assertThat(response.json().path("type").asString()).isEqualTo("/problems/product-already-exists");
            assertThat(read("ADD-3").path("name").asString()).isEqualTo("First");
        }
    }

    @Nested
    class RefusedInput {

        @Test
        void malformedJson_is400() {
            refused(400, () -> http.post(PRODUCTS).token(admin).json("{\"sku\":\"BAD-1\",\"name\":").send());
            refused(400, () -> http.post(PRODUCTS).token(admin).json("").send());
            refused(400, () -> http.post(PRODUCTS).token(admin).json("[]").send());
            notFound("BAD-1");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"abc\"", "\"1299\"", "12.5", "true", "{}", "[1299]", "99999999999999999999999"})
        void aPriceThatIsNotAWholeNumber_is400(String price) {
            refused(400, () -> http.post(PRODUCTS).token(admin)
                    .json("{\"sku\":\"BAD-2\",\"name\":\"Cup\",\"priceCents\":" + price + "}").send());
            notFound("BAD-2");
        }

        @Test
        void missingFields_are400() {
            refused(400, () -> http.post(PRODUCTS).token(admin).json("{\"name\":\"Cup\",\"priceCents\":100}").send());
            refused(400, () -> http.post(PRODUCTS).token(admin).json("{\"sku\":\"BAD-3\",\"priceCents\":100}").send());
            refused(400, () -> http.post(PRODUCTS).token(admin).json("{\"sku\":\"BAD-3\",\"name\":\"Cup\"}").send());
            refused(400, () -> http.post(PRODUCTS).token(admin)
                    .json("{\"sku\":\"BAD-3\",\"name\":\"Cup\",\"priceCents\":null}").send());
            notFound("BAD-3");
        }

        @ParameterizedTest
        @ValueSource(longs = {0, -1, -1299, 100_000_001})
        void aPriceOutOfRange_is422(long price) {
            Response response = refused(422, () -> http.post(PRODUCTS).token(admin)
                    .json(product("BAD-4", "Cup", price)).send());

            assertThat(response.json().path("type").asString()).isEqualTo("/problems/invalid-price");
            notFound("BAD-4");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "bad-5", "BAD 5", "BAD_5", "BAD-5/X", "BAD-5-1234567890-1234567890-1234567890-XY"})
        void aMalformedSku_is400(String sku) {
            refused(400, () -> http.post(PRODUCTS).token(admin).json(product(sku, "Cup", 100)).send());
        }

        @Test
        void aBlankOrOverlongName_is400() {
            refused(400, () -> http.post(PRODUCTS).token(admin).json(product("BAD-6", "  ", 100)).send());
            refused(400, () -> http.post(PRODUCTS).token(admin).json(product("BAD-6", "n".repeat(201), 100)).send());
            notFound("BAD-6");
        }

        @Test
        void anOverlongDescription_is400() {
            refused(400, () -> http.post(PRODUCTS).token(admin).json("{\"sku\":\"BAD-7\",\"name\":\"Cup\","
                    + "\"description\":" + quote("d".repeat(2001)) + ",\"priceCents\":100}").send());
            notFound("BAD-7");
        }

        @ParameterizedTest
        @ValueSource(strings = {"javascript:alert(1)", "images/cup.svg", "/images/a cup.svg", "/\"><script>"})
        void anImageUrlThatIsNotAnHttpUrlOrAPath_is400(String imageUrl) {
            refused(400, () -> http.post(PRODUCTS).token(admin).json("{\"sku\":\"BAD-8\",\"name\":\"Cup\","
                    + "\"priceCents\":100,\"imageUrl\":" + quote(imageUrl) + "}").send());
            notFound("BAD-8");
        }

        @Test
        void aBodyOver64KiB_is413() {
            String huge = "{\"sku\":\"BAD-9\",\"name\":\"Cup\",\"priceCents\":100,\"description\":"
                    + quote("d".repeat(70_000)) + "}";

            Response response = refused(413, () -> http.post(PRODUCTS).token(admin).json(huge).send());
            refused(413, () -> http.post(PRODUCTS).token(admin).chunkedJson(huge).send());

            assertThat(response.json().path("type").asString()).isEqualTo("/problems/payload-too-large");
            notFound("BAD-9");
        }

        @Test
        void aChunkedBodyUnderTheLimit_isRead() {
            Response response = http.post(PRODUCTS).token(admin).chunkedJson(product("CHUNK-1", "Chunked", 100)).send();

            assertThat(response.status()).as("%s", response).isEqualTo(201);
        }

        @Test
        void aBodyThatIsNotJson_is415() {
            refused(415, () -> http.post(PRODUCTS).token(admin).header("Content-Type", "text/plain")
                    .json(product("BAD-10", "Cup", 100)).send());
        }
    }

    @Nested
    class Repricing {

        @Test
        void anAdmin_repricesAProduct_200_withConsistencyToken() {
            add("PRICE-1", "Teapot", 2500);

            Response response = http.put(PRODUCTS + "/PRICE-1/price").token(admin).json("{\"priceCents\":2199}").send();

            assertThat(response.status()).as("%s", response).isEqualTo(200);
            assertThat(response.json().path("priceCents").asLong()).isEqualTo(2199);
            String token = response.header(ConsistencyToken.HEADER).orElseThrow();
            assertThat(http.get(PRODUCTS + "/PRICE-1").token(anonymous).header(ConsistencyToken.HEADER, token).send()
                    .json().path("priceCents").asLong()).isEqualTo(2199);
        }

        @Test
        void anUnknownProduct_is404() {
            Response response = refused(404, () -> http.put(PRODUCTS + "/PRICE-NONE/price").token(admin)
                    .json("{\"priceCents\":100}").send());

            assertThat(response.json().path("type").asString()).isEqualTo("/problems/unknown-product");
        }

        @Test
        void aDiscontinuedProduct_is409() {
            add("PRICE-2", "Old", 100);
            assertThat(http.delete(PRODUCTS + "/PRICE-2").token(admin).send().status()).isEqualTo(204);

            Response response = refused(409, () -> http.put(PRODUCTS + "/PRICE-2/price").token(admin)
                    .json("{\"priceCents\":50}").send());

            assertThat(response.json().path("type").asString()).isEqualTo("/problems/product-discontinued");
        }

        @Test
        void badInput_isRefused_andThePriceStays() {
            add("PRICE-3", "Mug", 900);

            refused(422, () -> http.put(PRODUCTS + "/PRICE-3/price").token(admin).json("{\"priceCents\":0}").send());
            refused(422, () -> http.put(PRODUCTS + "/PRICE-3/price").token(admin).json("{\"priceCents\":-900}").send());
            refused(400, () -> http.put(PRODUCTS + "/PRICE-3/price").token(admin).json("{\"priceCents\":\"x\"}").send());
            refused(400, () -> http.put(PRODUCTS + "/PRICE-3/price").token(admin).json("{}").send());
            refused(400, () -> http.put(PRODUCTS + "/PRICE-3/price").token(admin).json("{\"priceCents\":").send());
            refused(400, () -> http.put(PRODUCTS + "/price-3/price").token(admin).json("{\"priceCents\":1}").send());

            assertThat(read("PRICE-3").path("priceCents").asLong()).isEqualTo(900);
        }
    }

    @Nested
    class Discontinuing {

        @Test
        void anAdmin_discontinuesAProduct_204_withConsistencyToken_andAgainChangesNothing() {
            add("GONE-1", "Discontinued soon", 100);

            Response response = http.delete(PRODUCTS + "/GONE-1").token(admin).send();

            assertThat(response.status()).as("%s", response).isEqualTo(204);
            String token = response.header(ConsistencyToken.HEADER).orElseThrow();
            JsonNode product = http.get(PRODUCTS + "/GONE-1").token(anonymous).header(ConsistencyToken.HEADER, token)
                    .send().json();
            assertThat(product.path("discontinued").asBoolean()).isTrue();

            long head = store.headPosition();
            Response again = http.delete(PRODUCTS + "/GONE-1").token(admin).send();
            assertThat(again.status()).isEqualTo(204);
            assertThat(again.header(ConsistencyToken.HEADER)).isPresent();
            assertThat(store.headPosition()).isEqualTo(head);
        }

        @Test
        void anUnknownProduct_is404() {
            refused(404, () -> http.delete(PRODUCTS + "/GONE-NONE").token(admin).send());
        }
    }

    /** A product's {@code _links}: its commands and its events for an administrator only, none once discontinued. */
    @Nested
    class Links {

        JsonNode links(String sku, String token) {
            Response response = http.get(PRODUCTS + "/" + sku).token(token).send();
            assertThat(response.status()).as("%s", response).isEqualTo(200);
            assertThat(response.contentType()).startsWith("application/hal+json");
            return response.json().path("_links");
        }

        @Test
        void anAdministrator_seesRepriceDiscontinueAndTheEvents_aCustomerOrAnonymousCaller_onlyTheProduct() {
            add("LINK-1", "Linked", 100);

            JsonNode forAdmin = links("LINK-1", admin);

            assertThat(forAdmin.propertyNames()).containsExactly("self", "events", "reprice", "discontinue");
            assertThat(forAdmin.at("/self/href").asString()).isEqualTo(PRODUCTS + "/LINK-1");
            assertThat(forAdmin.at("/events/href").asString()).isEqualTo(PRODUCTS + "/LINK-1/events");
            assertThat(forAdmin.at("/reprice/href").asString()).isEqualTo(PRODUCTS + "/LINK-1/price");
            assertThat(forAdmin.at("/discontinue/href").asString()).isEqualTo(PRODUCTS + "/LINK-1");
            assertThat(links("LINK-1", customer).propertyNames()).containsExactly("self");
            assertThat(links("LINK-1", anonymous).propertyNames()).containsExactly("self");
            JsonNode product = read("LINK-1");
            assertThat(product.path("name").asString()).isEqualTo("Linked");
            assertThat(product.path("priceCents").asLong()).isEqualTo(100);
        }

        @Test
        void theAddedProduct_linksItsCommands_andFollowingDiscontinue_leavesNone() {
            JsonNode added = add("LINK-2", "Going", 100).json();
            assertThat(added.path("sku").asString()).isEqualTo("LINK-2");
            String discontinue = added.at("/_links/discontinue/href").asString();

            Response response = http.delete(discontinue).token(admin).send();

            assertThat(response.status()).as("%s", response).isEqualTo(204);
            JsonNode product = http.get(PRODUCTS + "/LINK-2").token(admin)
                    .header(ConsistencyToken.HEADER, response.header(ConsistencyToken.HEADER).orElseThrow()).send().json();
            assertThat(product.path("discontinued").asBoolean()).isTrue();
            assertThat(product.path("_links").propertyNames()).containsExactly("self", "events");
        }

        @Test
        void theEvents_areAnAdministratorsOnly_andOfAKnownProduct() {
            add("LINK-3", "Logged", 100);
            http.put(PRODUCTS + "/LINK-3/price").token(admin).json("{\"priceCents\":150}").send();
            String events = links("LINK-3", admin).at("/events/href").asString();

            Response log = http.get(events).token(admin).send();

            assertThat(log.status()).as("%s", log).isEqualTo(200);
            assertThat(log.json()).extracting(event -> event.path("type").asString())
                    .containsExactly("ProductAdded", "ProductPriceChanged");
            assertThat(log.json().get(1).path("data").path("priceCents").asLong()).isEqualTo(150);
            assertThat(log.json().get(0).propertyNames())
                    .containsExactly("type", "version", "position", "recordedAt", "data");
            refused(403, () -> http.get(events).token(customer).send());
            refused(401, () -> http.get(events).token(anonymous).send());
            refused(401, () -> http.get(events).send());
            refused(404, () -> http.get(PRODUCTS + "/LINK-NONE/events").token(admin).send());
            refused(400, () -> http.get(events + "?limit=0").token(admin).send());
        }
    }

    @Nested
    class Description {

        @Test
        void theOpenApiDescription_needsNoToken_andNamesTheServiceItsEndpointsAndTheEdgeToken() {
            // when
            Response response = http.get("/v3/api-docs").send();

            // then
            assertThat(response.status()).as("%s", response).isEqualTo(200);
            assertThat(response.contentType()).startsWith("application/json");
            JsonNode description = response.json();
            assertThat(description.path("info").path("title").asString()).isEqualTo("eventshop catalog");
            assertThat(description.path("info").path("version").asString()).isNotBlank();
            assertThat(description.path("components").path("securitySchemes").path("edgeToken").path("scheme")
                    .asString()).isEqualTo("bearer");
            assertThat(description.path("paths").propertyNames())
                    .filteredOn(path -> !path.startsWith("/api/ops/")).containsExactlyInAnyOrder(PRODUCTS,
                    PRODUCTS + "/{sku}", PRODUCTS + "/{sku}/price", PRODUCTS + "/{sku}/events");
            assertThat(description.at("/components/schemas/EntityModelDetails/properties").propertyNames())
                    .contains("sku", "priceCents", "_links");
            // the operations console's endpoints (the starter's, in every service), each for the admin only
            assertThat(description.path("paths").propertyNames()).contains("/api/ops/catalog/overview",
                    "/api/ops/catalog/events", "/api/ops/catalog/streams/{streamId}", "/api/ops/catalog/audit");
            assertThat(description.at("/paths/~1api~1ops~1catalog~1events/get/responses").has("403")).isTrue();
            JsonNode add = description.path("paths").path(PRODUCTS).path("post");
            assertThat(add.at("/requestBody/content/application~1json/schema/$ref").asString())
                    .isEqualTo("#/components/schemas/NewProduct");
            assertThat(add.at("/responses/201/headers").has(ConsistencyToken.HEADER)).isTrue();
            assertThat(add.at("/responses/403/content").has("application/problem+json")).isTrue();
            assertThat(add.at("/tags/0").asString()).isEqualTo("products");
            assertThat(description.at("/paths/~1api~1catalog~1products~1{sku}/get/tags/0").asString())
                    .isEqualTo("products");
            assertThat(description.at("/components/schemas/NewProduct/required").valueStream().map(JsonNode::asString))
                    .contains("sku", "name", "priceCents");
        }
    }
}
