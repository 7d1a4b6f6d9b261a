package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.launcher.SharedStore.Customer;
import java.nio.charset.StandardCharsets;
import java.time.Year;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every kind of bad request against the store's routes, sent through edge byte for byte ({@link RawHttp}):
 * malformed and oddly typed JSON, missing, over-long and blank fields, control characters, duplicate keys,
 * bad query parameters and path variables, unknown paths, wrong methods, content types and {@code Accept},
 * bodies over 64 KiB, bad headers. Each must answer {@code application/problem+json} with a stable
 * {@code type} ({@code /problems/<slug>}), a {@code title}, a {@code detail} that never quotes a password
 * or a card number, and, for invalid input, {@code errors: [{field, in, message}]} naming each invalid
 * field. Refused commands store nothing (checked on the streams they would have written).
 */
class ErrorSurveyTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PASSWORD = "Correct-Horse-7";
    private static final String SHORT_PASSWORD = "Sh0rt-7";
    private static final String CARD = SharedStore.APPROVES;
    private static final int EXP_YEAR = Year.now().getValue() + 2;

    private static SharedStore shop;
    private static RawHttp http;
    private static Customer customer;
    private static String sku;

    @BeforeAll
    static void useTheSharedStore() {
        shop = SharedStore.get();
        http = new RawHttp(shop.store.edgeUrl());
        customer = shop.customer(CARD);
        sku = shop.product(1_000, 5);
    }

    enum Caller { ANONYMOUS, CUSTOMER, ADMIN }

    /**
     * One bad request and the problem it must get. {@code {sku}} in the target or the body stands for a
     * product that exists; {@code secrets} must appear nowhere in the answer.
     */
    record Case(String name, String method, String target, Caller caller, Map<String, String> headers, String body,
                boolean chunked, int status, String slug, Set<String> fields, Set<String> secrets) {

        Case named(String other) {
            return new Case(other, method, target, caller, headers, body, chunked, status, slug, fields, secrets);
        }

        Case as(Caller who) {
            return new Case(name, method, target, who, headers, body, chunked, status, slug, fields, secrets);
        }

        Case header(String header, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(header, value);
            return new Case(name, method, target, caller, more, body, chunked, status, slug, fields, secrets);
        }

        Case json(String json) {
            return header("Content-Type", "application/json").raw(json);
        }

        Case raw(String content) {
            return new Case(name, method, target, caller, headers, content, chunked, status, slug, fields, secrets);
        }

        Case inChunks() {
            return new Case(name, method, target, caller, headers, body, true, status, slug, fields, secrets);
        }

        Case secret(String... values) {
            return new Case(name, method, target, caller, headers, body, chunked, status, slug, fields, Set.of(values));
        }

        Case expect(int code, String problem, String... invalid) {
            return new Case(name, method, target, caller, headers, body, chunked, code, problem,
                    new TreeSet<>(List.of(invalid)), secrets);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Case request(String name, String method, String target) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json, application/problem+json");
        return new Case(name, method, target, Caller.ANONYMOUS, headers, null, false, 0, null, Set.of(), Set.of());
    }

    static String registration(String email, String name, String password) {
        return "{\"email\":" + email + ",\"name\":" + name + ",\"password\":" + password + "}";
    }

    static String quoted(String text) {
        return JSON.writeValueAsString(text);
    }

    static String email() {
        return quoted("survey-" + UUID.randomUUID() + "@example.com");
    }

    static String product(String sku, String name, String description, String price) {
        return "{\"sku\":" + sku + ",\"name\":" + name + ",\"description\":" + description + ",\"priceCents\":" + price + "}";
    }

    static String newSku() {
        return quoted("SKU-S" + Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()), 36).toUpperCase());
    }

    static String checkout(String city, String cardToken) {
        return "{\"shippingAddress\":{\"name\":\"Ada\",\"line1\":\"1 Main St\",\"line2\":\"\",\"city\":" + city
                + ",\"postalCode\":\"12345\",\"country\":\"US\"},\"cardToken\":" + cardToken + "}";
    }

    static String card(String number) {
        return "{\"number\":" + number + ",\"expMonth\":12,\"expYear\":" + EXP_YEAR + ",\"cvc\":\"123\"}";
    }

    static Stream<Case> cases() {
        String big = "x".repeat(70 * 1024);
        return Stream.of(
                // ---- paths nobody serves
                request("unknown path at edge", "GET", "/api/nope").expect(404, "not-found"),
                request("unknown path at a service", "GET", "/api/catalog/nope").expect(404, "not-found"),
                request("unknown path under a resource", "GET", "/api/inventory/{sku}/nope").expect(404, "not-found"),
                request("internal path", "POST", "/internal/credentials/verify").json("{}").expect(404, "not-found"),

                // ---- path variables
                request("encoded slash in a path variable", "GET", "/api/catalog/products/a%2fb")
                        .expect(400, "malformed-request"),
                request("encoded backslash in a path variable", "GET", "/api/catalog/products/a%5cb")
                        .expect(400, "malformed-request"),
                request("NUL in a path variable", "GET", "/api/catalog/products/%00").expect(400, "malformed-request"),
                request("dot-dot above the root", "GET", "/api/../../etc/passwd").expect(400, "malformed-request"),
                request("encoded dot-dot", "GET", "/api/catalog/products/%2e%2e/%2e%2e/secret")
                        .expect(400, "malformed-request"),
                request("invalid UTF-8 in a path variable", "GET", "/api/catalog/products/%ff%fe")
                        .expect(400, "malformed-request"),
                request("over-long sku", "GET", "/api/catalog/products/" + "A".repeat(300))
                        .expect(400, "invalid-fields", "sku"),
                request("lower-case sku at inventory", "GET", "/api/inventory/not-a-sku")
                        .expect(400, "invalid-fields", "sku"),
                request("malformed order id", "GET", "/api/orders/has%20space").as(Caller.CUSTOMER)
                        .expect(400, "invalid-fields", "orderId"),
                request("malformed sku in the cart", "PUT", "/api/cart/items/bad%20sku").as(Caller.CUSTOMER)
                        .json("{\"quantity\":1}").expect(400, "invalid-fields", "sku"),

                // ---- query parameters
                request("size over the maximum", "GET", "/api/catalog/products?size=101")
                        .expect(400, "invalid-fields", "size"),
                request("negative page", "GET", "/api/catalog/products?page=-1").expect(400, "invalid-fields", "page"),
                request("size not a number", "GET", "/api/catalog/products?size=abc")
                        .expect(400, "invalid-fields", "size"),
                request("two bad parameters", "GET", "/api/catalog/products?page=-1&size=0")
                        .expect(400, "invalid-fields", "page", "size"),
                request("over-long search", "GET", "/api/catalog/products?q=" + "a".repeat(201))
                        .expect(400, "invalid-fields", "q"),
                request("NUL in a search", "GET", "/api/catalog/products?q=a%00b").expect(400, "invalid-fields", "q"),
                request("broken percent-encoding in a parameter", "GET", "/api/catalog/products?size=%zz")
                        .expect(400, "malformed-request"),
                request("invalid UTF-8 in a parameter", "GET", "/api/catalog/products?q=%ff").expect(400, "malformed-request"),
                request("order list size over the maximum", "GET", "/api/orders?size=101").as(Caller.CUSTOMER)
                        .expect(400, "invalid-fields", "size"),
                request("event limit not a number", "GET", "/api/cart/events?limit=lots").as(Caller.CUSTOMER)
                        .expect(400, "invalid-fields", "limit"),
                request("stock page over the maximum", "GET", "/api/inventory?size=501").as(Caller.ADMIN)
                        .expect(400, "invalid-fields", "size"),

                // ---- methods, content types, Accept
                request("wrong method at a service", "DELETE", "/api/catalog/products").expect(405, "method-not-allowed"),
                request("wrong method on the cart", "PATCH", "/api/cart").as(Caller.CUSTOMER)
                        .json("{}").expect(405, "method-not-allowed"),
                request("wrong method at login", "GET", "/api/auth/login").expect(405, "method-not-allowed"),
                request("a method nobody knows", "BREW", "/api/cart").as(Caller.CUSTOMER).expect(400, "malformed-request"),
                request("TRACE", "TRACE", "/api/catalog/products").expect(405, "method-not-allowed"),
                request("text body", "POST", "/api/cart/items").as(Caller.CUSTOMER)
                        .header("Content-Type", "text/plain").raw("sku=X").expect(415, "unsupported-media-type"),
                request("body without a content type", "POST", "/api/cart/items").as(Caller.CUSTOMER)
                        .raw("{\"sku\":\"{sku}\",\"quantity\":1}").expect(415, "unsupported-media-type"),
                request("malformed content type", "POST", "/api/cart/items").as(Caller.CUSTOMER)
                        .header("Content-Type", "json/").raw("{}").expect(415, "unsupported-media-type"),
                request("text body at login", "POST", "/api/auth/login").header("Content-Type", "text/plain")
                        .raw("hello").expect(415, "unsupported-media-type"),
                request("Accept html only", "GET", "/api/catalog/products/{sku}").header("Accept", "text/html")
                        .expect(406, "not-acceptable"),
                request("garbage Accept", "GET", "/api/inventory/{sku}").header("Accept", "garbage")
                        .expect(406, "not-acceptable"),
                request("garbage Accept at login", "POST", "/api/auth/login").header("Accept", "garbage")
                        .json("{\"email\":\"a@b.c\",\"password\":" + quoted(PASSWORD) + "}").secret(PASSWORD)
                        .expect(406, "not-acceptable"),
                request("garbage Accept on an error", "GET", "/api/catalog/products/SKU-NO-SUCH-THING")
                        .header("Accept", "garbage").expect(406, "not-acceptable"),

                // ---- bodies over 64 KiB
                request("declared body over 64 KiB", "POST", "/api/accounts")
                        .json(registration(email(), quoted(big), quoted(PASSWORD))).expect(413, "payload-too-large"),
                request("chunked body over 64 KiB", "POST", "/api/accounts")
                        .json(registration(email(), quoted(big), quoted(PASSWORD))).inChunks()
                        .expect(413, "payload-too-large"),
                request("login body over 64 KiB", "POST", "/api/auth/login")
                        .json("{\"email\":\"a@b.c\",\"password\":" + quoted(big) + "}").expect(413, "payload-too-large"),

                // ---- broken framing and headers
                request("a header over the size limit", "GET", "/api/catalog/products")
                        .header("Consistency-Token", "catalog:" + "9".repeat(20_000)).expect(400, "malformed-request"),
                request("a control character in a header", "GET", "/api/catalog/products")
                        .header("X-Note", "a\u0001b").expect(400, "malformed-request"),
                request("both Content-Length and Transfer-Encoding", "POST", "/api/accounts")
                        .header("Transfer-Encoding", "chunked").json("{}").expect(400, "malformed-request"),

                // ---- malformed JSON
                request("truncated JSON", "POST", "/api/accounts").json("{\"email\":").expect(400, "malformed-json"),
                request("not JSON", "POST", "/api/accounts").json("email=a@b.c").expect(400, "malformed-json"),
                request("an array for an object", "POST", "/api/accounts").json("[1,2]").expect(400, "malformed-json"),
                request("empty body", "POST", "/api/cart/items").as(Caller.CUSTOMER).json("")
                        .expect(400, "malformed-json"),
                request("trailing garbage", "POST", "/api/cart/items").as(Caller.CUSTOMER)
                        .json("{\"sku\":\"{sku}\",\"quantity\":1} x").expect(400, "malformed-json"),
                request("unquoted password", "POST", "/api/accounts")
                        .json("{\"email\":\"a@b.c\",\"name\":\"A\",\"password\":" + PASSWORD.replace("-", "") + "}")
                        .secret(PASSWORD.replace("-", "")).expect(400, "malformed-json"),
                request("truncated login", "POST", "/api/auth/login").json("{\"email\":").expect(400, "malformed-json"),
                request("nested a thousand deep", "POST", "/api/accounts").json("[".repeat(1200) + "]".repeat(1200))
                        .expect(400, "malformed-json"),

                // ---- fields: missing, wrong type, size, blank, pattern
                request("no fields", "POST", "/api/accounts").json("{}")
                        .expect(400, "invalid-fields", "email", "name", "password"),
                request("7-character password", "POST", "/api/accounts")
                        .json(registration(email(), quoted("Ada"), quoted(SHORT_PASSWORD))).secret(SHORT_PASSWORD)
                        .expect(400, "invalid-fields", "password"),
                request("201-character name", "POST", "/api/accounts")
                        .json(registration(email(), quoted("n".repeat(201)), quoted(PASSWORD))).secret(PASSWORD)
                        .expect(400, "invalid-fields", "name"),
                request("blank name", "POST", "/api/accounts")
                        .json(registration(email(), quoted("   "), quoted(PASSWORD))).expect(400, "invalid-fields", "name"),
                request("three bad fields", "POST", "/api/accounts")
                        .json(registration(quoted(""), quoted("n".repeat(201)), quoted(SHORT_PASSWORD))).secret(SHORT_PASSWORD)
                        .expect(400, "invalid-fields", "email", "name", "password"),
                request("number for a name", "POST", "/api/accounts")
                        .json(registration(email(), "42", quoted(PASSWORD))).expect(400, "invalid-fields", "name"),
                request("number for a password", "POST", "/api/accounts")
                        .json(registration(email(), quoted("Ada"), "1234567890123")).secret("1234567890123")
                        .expect(400, "invalid-fields", "password"),
                request("object for a name", "POST", "/api/accounts")
                        .json(registration(email(), "{\"first\":\"Ada\"}", quoted(PASSWORD)))
                        .expect(400, "invalid-fields", "name"),
                request("text for a quantity", "POST", "/api/cart/items").as(Caller.CUSTOMER)
                        .json("{\"sku\":\"{sku}\",\"quantity\":\"many\"}").expect(400, "invalid-fields", "quantity"),
                request("fraction for a quantity", "POST", "/api/cart/items").as(Caller.CUSTOMER)
                        .json("{\"sku\":\"{sku}\",\"quantity\":1.5}").expect(400, "invalid-fields", "quantity"),
                request("huge quantity", "POST", "/api/cart/items").as(Caller.CUSTOMER)
                        .json("{\"sku\":\"{sku}\",\"quantity\":99999999999}").expect(400, "invalid-fields", "quantity"),
                request("malformed sku in a body", "POST", "/api/cart/items").as(Caller.CUSTOMER)
                        .json("{\"sku\":\"bad sku\",\"quantity\":1}").expect(400, "invalid-fields", "sku"),
                request("missing sku", "POST", "/api/cart/items").as(Caller.CUSTOMER)
                        .json("{\"quantity\":1}").expect(400, "invalid-fields", "sku"),
                request("empty checkout", "POST", "/api/cart/checkout").as(Caller.CUSTOMER).json("{}")
                        .expect(400, "invalid-fields", "shippingAddress", "cardToken"),
                request("checkout without a city", "POST", "/api/cart/checkout").as(Caller.CUSTOMER)
                        .json(checkout("null", quoted("tok_abcdefgh1234"))).expect(400, "invalid-fields", "shippingAddress.city"),
                request("price as text", "POST", "/api/catalog/products").as(Caller.ADMIN)
                        .json(product(newSku(), quoted("A product"), quoted(""), "\"150\""))
                        .expect(400, "invalid-fields", "priceCents"),
                request("lower-case sku in a new product", "POST", "/api/catalog/products").as(Caller.ADMIN)
                        .json(product(quoted("sku-lower"), quoted("A product"), quoted(""), "150"))
                        .expect(400, "invalid-fields", "sku"),
                request("fraction for a price", "PUT", "/api/catalog/products/{sku}/price").as(Caller.ADMIN)
                        .json("{\"priceCents\":1.5}").expect(400, "invalid-fields", "priceCents"),
                request("zero stock received", "POST", "/api/inventory/{sku}/receipts").as(Caller.ADMIN)
                        .json("{\"quantity\":0}").expect(400, "invalid-fields", "quantity"),
                request("confirmation code too long", "POST", "/api/accounts/me/confirm").as(Caller.CUSTOMER)
                        .json("{\"code\":" + quoted("9".repeat(33)) + "}").expect(400, "invalid-fields", "code"),
                request("login without a password", "POST", "/api/auth/login").json("{\"email\":\"a@b.c\"}")
                        .expect(400, "invalid-fields", "password"),
                request("login with a number for a password", "POST", "/api/auth/login")
                        .json("{\"email\":\"a@b.c\",\"password\":1234567890123}").secret("1234567890123")
                        .expect(400, "invalid-fields", "password"),

                // ---- control characters and duplicate keys
                request("NUL in a name", "POST", "/api/accounts")
                        .json(registration(email(), quoted("Ada\u0000Lovelace"), quoted(PASSWORD)))
                        .expect(400, "invalid-fields", "name"),
                request("escape character in a name", "POST", "/api/accounts")
                        .json(registration(email(), quoted("Ada\u001b[31m"), quoted(PASSWORD)))
                        .expect(400, "invalid-fields", "name"),
                request("new line in a name", "POST", "/api/accounts")
                        .json(registration(email(), quoted("Ada\nLovelace"), quoted(PASSWORD)))
                        .expect(400, "invalid-fields", "name"),
                request("half a surrogate pair in a name", "POST", "/api/accounts")
                        .json(registration(email(), "\"Ada\\ud800\"", quoted(PASSWORD))).expect(400, "invalid-fields", "name"),
                request("half a surrogate pair at login", "POST", "/api/auth/login")
                        .json("{\"email\":\"a\\udc00@b.c\",\"password\":" + quoted(PASSWORD) + "}").secret(PASSWORD)
                        .expect(400, "invalid-fields", "email"),
                request("NUL in a password", "POST", "/api/accounts")
                        .json(registration(email(), quoted("Ada"), quoted(PASSWORD + "\u0000"))).secret(PASSWORD)
                        .expect(400, "invalid-fields", "password"),
                request("NUL in an e-mail", "POST", "/api/accounts")
                        .json(registration(quoted("ada\u0000@example.com"), quoted("Ada"), quoted(PASSWORD)))
                        .expect(400, "invalid-fields", "email"),
                request("NUL in a product name", "POST", "/api/catalog/products").as(Caller.ADMIN)
                        .json(product(newSku(), quoted("Bad\u0000name"), quoted(""), "150"))
                        .expect(400, "invalid-fields", "name"),
                request("NUL in a product description", "POST", "/api/catalog/products").as(Caller.ADMIN)
                        .json(product(newSku(), quoted("Fine"), quoted("one\u0000two"), "150"))
                        .expect(400, "invalid-fields", "description"),
                request("delete character in an address", "POST", "/api/cart/checkout").as(Caller.CUSTOMER)
                        .json(checkout(quoted("Paris\u007f"), quoted("tok_abcdefgh1234")))
                        .expect(400, "invalid-fields", "shippingAddress.city"),
                request("duplicate name key", "POST", "/api/accounts")
                        .json("{\"email\":" + email() + ",\"name\":\"Ada\",\"name\":\"Eve\",\"password\":" + quoted(PASSWORD) + "}")
                        .expect(400, "invalid-fields", "name"),
                request("duplicate password key", "POST", "/api/accounts")
                        .json("{\"email\":" + email() + ",\"name\":\"Ada\",\"password\":" + quoted(PASSWORD)
                                + ",\"password\":" + quoted(PASSWORD + "-2") + "}").secret(PASSWORD)
                        .expect(400, "invalid-fields", "password"),
                request("duplicate key in a nested object", "POST", "/api/cart/checkout").as(Caller.CUSTOMER)
                        .json(checkout(quoted("Paris"), quoted("tok_abcdefgh1234")).replace("\"city\":", "\"city\":\"Rome\",\"city\":"))
                        .expect(400, "invalid-fields", "shippingAddress.city"),
                request("duplicate quantity key", "POST", "/api/cart/items").as(Caller.CUSTOMER)
                        .json("{\"sku\":\"{sku}\",\"quantity\":1,\"quantity\":2}").expect(400, "invalid-fields", "quantity"),
                request("duplicate key at login", "POST", "/api/auth/login")
                        .json("{\"email\":\"a@b.c\",\"email\":\"d@e.f\",\"password\":" + quoted(PASSWORD) + "}").secret(PASSWORD)
                        .expect(400, "invalid-fields", "email"),
                request("NUL in a login e-mail", "POST", "/api/auth/login")
                        .json("{\"email\":\"a\\u0000@b.c\",\"password\":" + quoted(PASSWORD) + "}").secret(PASSWORD)
                        .expect(400, "invalid-fields", "email"),

                // ---- payments parses its own body and never quotes the number
                request("card number as a JSON number", "POST", "/api/payments/tokens").as(Caller.CUSTOMER)
                        .json(card(CARD)).secret(CARD).expect(400, "invalid-fields", "number"),
                request("duplicate card number", "POST", "/api/payments/tokens").as(Caller.CUSTOMER)
                        .json("{\"number\":" + quoted(CARD) + ",\"number\":\"4000000000000002\",\"expMonth\":12,"
                                + "\"expYear\":" + EXP_YEAR + ",\"cvc\":\"123\"}").secret(CARD, "4000000000000002")
                        .expect(400, "invalid-fields", "number"),
                request("truncated card", "POST", "/api/payments/tokens").as(Caller.CUSTOMER)
                        .json("{\"number\":\"" + CARD).secret(CARD).expect(400, "malformed-json"),
                request("card without a cvc", "POST", "/api/payments/tokens").as(Caller.CUSTOMER)
                        .json("{\"number\":" + quoted(CARD) + ",\"expMonth\":12,\"expYear\":" + EXP_YEAR + "}").secret(CARD)
                        .expect(400, "invalid-fields", "cvc"),

                // ---- headers
                request("malformed consistency token", "GET", "/api/catalog/products")
                        .header("Consistency-Token", "garbage!!").expect(400, "invalid-consistency-token"),
                request("malformed consistency token at a service", "GET", "/api/inventory/{sku}")
                        .header("Consistency-Token", "not a token").expect(400, "invalid-consistency-token"),
                request("malformed idempotency key", "POST", "/api/cart/checkout").as(Caller.CUSTOMER)
                        .header("Idempotency-Key", "has spaces in it")
                        .json(checkout(quoted("Paris"), quoted("tok_abcdefgh1234")))
                        .expect(400, "invalid-fields", "Idempotency-Key"),
                request("garbage bearer token", "GET", "/api/cart").header("Authorization", "Bearer garbage")
                        .expect(401, "unauthorized"),
                request("empty bearer token", "GET", "/api/cart").header("Authorization", "Bearer ")
                        .expect(401, "unauthorized"),
                request("basic credentials", "GET", "/api/cart").header("Authorization", "Basic YWRtaW46YWRtaW4=")
                        .expect(401, "unauthorized"),
                request("no token where an account is needed", "GET", "/api/cart").expect(401, "unauthorized"),
                request("customer at an admin endpoint", "POST", "/api/catalog/products").as(Caller.CUSTOMER)
                        .json(product(newSku(), quoted("A product"), quoted(""), "150")).expect(403, "forbidden"),

                // ---- rules: unknown things
                request("unknown product", "GET", "/api/catalog/products/SKU-NO-SUCH-THING").expect(404, "unknown-product"),
                request("stock for an unknown product", "POST", "/api/inventory/SKU-NEVER-ADDED/receipts").as(Caller.ADMIN)
                        .json("{\"quantity\":5}").expect(422, "unknown-product"));
    }

    /** Every route that takes a body, as the caller it is for. */
    static final List<Case> BODY_ROUTES = List.of(
            request("register", "POST", "/api/accounts"),
            request("confirm", "POST", "/api/accounts/me/confirm").as(Caller.CUSTOMER),
            request("change address", "PUT", "/api/accounts/me/address").as(Caller.CUSTOMER),
            request("save a card", "POST", "/api/accounts/me/cards").as(Caller.CUSTOMER),
            request("add a product", "POST", "/api/catalog/products").as(Caller.ADMIN),
            request("reprice", "PUT", "/api/catalog/products/{sku}/price").as(Caller.ADMIN),
            request("receive stock", "POST", "/api/inventory/{sku}/receipts").as(Caller.ADMIN),
            request("tokenize a card", "POST", "/api/payments/tokens").as(Caller.CUSTOMER),
            request("add to the cart", "POST", "/api/cart/items").as(Caller.CUSTOMER),
            request("change a quantity", "PUT", "/api/cart/items/{sku}").as(Caller.CUSTOMER),
            request("check out", "POST", "/api/cart/checkout").as(Caller.CUSTOMER),
            request("log in", "POST", "/api/auth/login"));

    /** The same bad bodies on every route that takes one. */
    static Stream<Case> everyBodyRoute() {
        return BODY_ROUTES.stream().flatMap(route -> Stream.of(
                route.named(route.name() + ": cut off").json("{\"a\":").expect(400, "malformed-json"),
                route.named(route.name() + ": an array").json("[]").expect(400, "malformed-json"),
                route.named(route.name() + ": two values").json("{} {}").expect(400, "malformed-json"),
                route.named(route.name() + ": a member twice").json("{\"a\":1,\"a\":2}").expect(400, "invalid-fields", "a"),
                route.named(route.name() + ": text").header("Content-Type", "text/plain").raw("a=1")
                        .expect(415, "unsupported-media-type"),
                route.named(route.name() + ": over 64 KiB").json("{\"a\":\"" + "x".repeat(70 * 1024) + "\"}")
                        .expect(413, "payload-too-large")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBodyRoute")
    void everyRouteThatTakesABody_refusesTheSameBadBodies_theSameWay(Case bad) {
        everyBadRequest_isAProblemWithAType_namingTheInvalidFields(bad);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyBadRequest_isAProblemWithAType_namingTheInvalidFields(Case bad) {
        RawHttp.Answer answer = send(bad);

        assertThat(answer.status()).as(bad.name() + ": " + answer).isEqualTo(bad.status());
        assertThat(answer.header("Content-Type")).as(bad.name() + ": " + answer).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.path("type").asString()).as(bad.name() + ": " + answer).isEqualTo("/problems/" + bad.slug());
        assertThat(problem.path("status").asInt()).as(bad.name() + ": " + answer).isEqualTo(bad.status());
        assertThat(problem.path("title").asString()).as(bad.name() + ": " + answer).isNotBlank();
        assertThat(problem.path("detail").asString()).as(bad.name() + ": " + answer).isNotBlank();
        for (String secret : bad.secrets()) {
            assertThat(answer.body()).as(bad.name() + ": the answer quotes a secret: " + answer).doesNotContain(secret);
        }
        if (bad.fields().isEmpty()) {
            assertThat(problem.has("errors")).as(bad.name() + ": " + answer).isFalse();
        } else {
            Set<String> named = new TreeSet<>();
            for (JsonNode error : problem.path("errors")) {
                named.add(error.path("field").asString());
                assertThat(error.path("message").asString()).as(bad.name() + ": " + answer).isNotBlank();
                assertThat(error.path("in").asString()).as(bad.name() + ": " + answer)
                        .isIn("body", "query", "path", "header");
            }
            assertThat(named).as(bad.name() + ": " + answer).isEqualTo(bad.fields());
        }
    }

    @Test
    void refusedCommands_storeNothing() {
        String badSku = "SKU-NEVER-ADDED";
        String refusedSku = "SKU-REFUSED-" + Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()), 36).toUpperCase();
        assertThat(send(request("NUL in a product name", "POST", "/api/catalog/products").as(Caller.ADMIN)
                .json(product(quoted(refusedSku), quoted("Bad\u0000name"), quoted(""), "150"))).status()).isEqualTo(400);
        assertThat(send(request("duplicate price", "POST", "/api/catalog/products").as(Caller.ADMIN)
                .json("{\"sku\":" + quoted(refusedSku) + ",\"name\":\"A\",\"priceCents\":1,\"priceCents\":2}")).status())
                .isEqualTo(400);
        assertThat(send(request("unknown product's stock", "POST", "/api/inventory/" + badSku + "/receipts")
                .as(Caller.ADMIN).json("{\"quantity\":5}")).status()).isEqualTo(422);
        assertThat(send(request("duplicate quantity", "POST", "/api/inventory/{sku}/receipts").as(Caller.ADMIN)
                .json("{\"quantity\":1,\"quantity\":2}")).status()).isEqualTo(400);

        assertThat(shop.eventTypes("catalog", "product-" + refusedSku)).isEmpty();
        assertThat(shop.eventTypes("inventory", "stock-" + badSku)).isEmpty();
        assertThat(shop.eventTypes("inventory", "stock-" + sku)).containsExactly("StockReceived");
    }

    @Test
    void aRegistrationRefusedForAControlCharacter_claimsNoEmail() {
        String email = quoted("claim-" + UUID.randomUUID() + "@example.com");
        RawHttp.Answer refused = send(request("NUL in a name", "POST", "/api/accounts")
                .json(registration(email, quoted("Ada\u0000"), quoted(PASSWORD))));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);

        RawHttp.Answer registered = send(request("the same e-mail, well-formed", "POST", "/api/accounts")
                .json(registration(email, quoted("Ada"), quoted(PASSWORD))));
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
    }

    @Test
    void multiLineText_isAcceptedWhereItMeansSomething_aProductDescription() {
        String newSku = newSku();
        RawHttp.Answer added = send(request("description over lines", "POST", "/api/catalog/products").as(Caller.ADMIN)
                .json(product(newSku, quoted("Lines"), quoted("First line\nSecond line\twith a tab"), "150")));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        assertThat(JSON.readTree(added.body()).path("description").asString())
                .isEqualTo("First line\nSecond line\twith a tab");
    }

    @Test
    void aBodyThatIsNotUtf8_isMalformedJson() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        byte[] body = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
        RawHttp.Answer answer = http.send("POST", "/api/accounts", headers, body, false);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(JSON.readTree(answer.body()).path("type").asString()).isEqualTo("/problems/malformed-json");
    }

    @Test
    void withoutAnAcceptHeader_jsonIsServed() {
        Map<String, String> none = new LinkedHashMap<>();
        RawHttp.Answer answer = http.send("GET", "/api/inventory/" + sku, none, null, false);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        // a resource with links is HAL, JSON's own media type for it; a client that asks for JSON gets JSON
        assertThat(answer.header("Content-Type")).startsWith("application/hal+json");
        assertThat(JSON.readTree(answer.body()).path("sku").asString()).isEqualTo(sku);
        Map<String, String> json = new LinkedHashMap<>();
        json.put("Accept", "application/json");
        assertThat(http.send("GET", "/api/inventory/" + sku, json, null, false).header("Content-Type"))
                .startsWith("application/json");
    }

    private static RawHttp.Answer send(Case bad) {
        Map<String, String> headers = new LinkedHashMap<>(bad.headers());
        switch (bad.caller()) {
            case CUSTOMER -> headers.putIfAbsent("Authorization", "Bearer " + customer.session());
            case ADMIN -> headers.putIfAbsent("Authorization", "Bearer " + shop.admin);
            case ANONYMOUS -> {
            }
        }
        byte[] body = bad.body() == null ? null : bad.body().replace("{sku}", sku).getBytes(StandardCharsets.UTF_8);
        return http.send(bad.method(), bad.target().replace("{sku}", sku), headers, body, bad.chunked());
    }
}
