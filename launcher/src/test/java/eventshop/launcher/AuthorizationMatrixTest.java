package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.launcher.PublicApi.Caller;
import eventshop.launcher.PublicApi.Fixture;
import eventshop.launcher.PublicApi.Operation;
import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import java.time.Year;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every operation of the public API is authorized as its row in {@link #TABLE} says. The operations are the ones the
 * OpenAPI descriptions list: edge's own ({@code /v3/api-docs}) and every service's, as edge gathers them
 * ({@code /api/docs/<service>}). Each is called through edge with real resources (the owner's order, card, cart and
 * account; a product, an account for the administrator's commands) by six callers: no token, the customer who owns
 * the resource, another customer, the administrator, the owner with an expired session token, and the owner with a
 * token for a live session signed with a key edge does not have. An operation without a row fails the test, so an
 * endpoint cannot be added without saying who may call it; a row without an operation fails too (a stale table).
 *
 * <p>What each rule expects of each caller ({@link Rule#expect}) follows DESIGN §6: no valid token where an account
 * is needed is 401 (a token that does not verify is 401 whatever the operation); a customer at an administrator's
 * operation is 403; another customer's resource is 404, as if it did not exist. An allowed caller gets neither 401
 * nor 403, nor a 5xx, and the owner of a resource (and the administrator where it may see it) not 404 either.
 * Internal operations are never reachable through edge: 404 (edge routes no {@code /internal} path), or 401 at edge's
 * own internal endpoint, which takes only the services tokens edge mints.
 */
class AuthorizationMatrixTest {

    /** What a caller gets: allowed, or exactly one of these statuses. */
    record Expected(boolean allowed, boolean mayBeMissing, Set<Integer> statuses) {
        static final Expected ALLOWED = new Expected(true, true, Set.of());
        static final Expected FOUND = new Expected(true, false, Set.of());

        static Expected status(Integer... statuses) {
            return new Expected(false, false, Set.of(statuses));
        }

        boolean matches(int status) {
            if (allowed) {
                return status != 401 && status != 403 && status < 500 && (mayBeMissing || status != 404);
            }
            return statuses.contains(status);
        }

        @Override
        public String toString() {
            return allowed ? (mayBeMissing ? "allowed" : "allowed and found") : "one of " + statuses;
        }
    }

    /** Who may call an operation. */
    enum Rule {
        /** Anyone, without a token too. */
        PUBLIC,
        /** Anyone; a token sent along is not even looked at (logging in). */
        LOGIN,
        /** A customer, on what is its own by being the caller (its cart, its new card); not the administrator. */
        CUSTOMER,
        /** A customer or the administrator, on what is its own by being the caller (its account, its orders). */
        CUSTOMER_OR_ADMIN,
        /** The customer who owns the resource the path names; another is told it does not exist. */
        OWN,
        /** The owner of the resource the path names, or the administrator; another customer is told it does not exist. */
        OWN_OR_ADMIN,
        /** The administrator only. */
        ADMIN,
        /** No caller of the public API (not in the table: {@link #noInternalEndpointOfAnyApplication_isReachableThroughEdge}). */
        INTERNAL;

        Expected expect(Caller caller) {
            if (this == INTERNAL) {
                return Expected.status(401, 404);
            }
            if (this == LOGIN) {
                return Expected.ALLOWED;
            }
            return switch (caller) {
                case EXPIRED, WRONG_KEY -> Expected.status(401);
                case NONE -> this == PUBLIC ? Expected.ALLOWED : Expected.status(401);
                case OWNER -> switch (this) {
                    case ADMIN -> Expected.status(403);
                    case OWN, OWN_OR_ADMIN -> Expected.FOUND;
                    default -> Expected.ALLOWED;
                };
                case OTHER -> switch (this) {
                    case ADMIN -> Expected.status(403);
                    case OWN, OWN_OR_ADMIN -> Expected.status(404);
                    default -> Expected.ALLOWED;
                };
                case ADMIN -> switch (this) {
                    case CUSTOMER, OWN -> Expected.status(403);
                    case OWN_OR_ADMIN -> Expected.FOUND;
                    default -> Expected.ALLOWED;
                };
            };
        }
    }

    /**
     * A row of the table: the rule, the request's body (null for none), values of path variables other than the
     * fixture's, a query string, and whether each call needs a session of its own (it ends the one it uses).
     */
    record Row(Rule rule, Function<Fixture, Object> body, Map<String, Function<Fixture, String>> variables,
               String query, boolean ownSession) {

        Row withBody(Function<Fixture, Object> body) {
            return new Row(rule, body, variables, query, ownSession);
        }

        Row withVariable(String name, Function<Fixture, String> value) {
            Map<String, Function<Fixture, String>> more = new LinkedHashMap<>(variables);
            more.put(name, value);
            return new Row(rule, body, more, query, ownSession);
        }

        Row withQuery(String query) {
            return new Row(rule, body, variables, query, ownSession);
        }

        Row endingItsSession() {
            return new Row(rule, body, variables, query, true);
        }
    }

    static Row row(Rule rule) {
        return new Row(rule, fixture -> null, Map.of(), "", false);
    }

    static SharedStore shared;
    static PublicApi api;
    static Fixture fixture;
    static EdgeClient edge;

    /**
     * Who may call each operation, by method and path as the OpenAPI descriptions name them; the operations console's
     * {@code /api/ops/<service>/...} once for every service as {@code /api/ops/{service}/...}.
     */
    static final Map<String, Row> TABLE = new TreeMap<>();

    static {
        // edge's own
        TABLE.put("POST /api/auth/login", row(Rule.LOGIN).withBody(f -> Map.of("email", DemoData.ADMIN_EMAIL,
                "password", shared.store.adminPassword())));
        TABLE.put("POST /api/auth/logout", row(Rule.CUSTOMER_OR_ADMIN).endingItsSession());
        TABLE.put("GET /api/auth/me", row(Rule.CUSTOMER_OR_ADMIN));
        TABLE.put("GET /api/ops/breakers", row(Rule.ADMIN));
        // accounts
        TABLE.put("POST /api/accounts", row(Rule.PUBLIC).withBody(f -> Map.of("email", "m-" + UUID.randomUUID() + "@example.com",
                "name", "Matrix", "password", "pw-" + UUID.randomUUID())));
        TABLE.put("GET /api/accounts", row(Rule.ADMIN));
        TABLE.put("GET /api/accounts/{accountId}", row(Rule.ADMIN));
        TABLE.put("GET /api/accounts/{accountId}/events", row(Rule.ADMIN));
        TABLE.put("POST /api/accounts/{accountId}/confirm", row(Rule.ADMIN));
        TABLE.put("POST /api/accounts/{accountId}/suspend", row(Rule.ADMIN).withBody(f -> Map.of("reason", "matrix")));
        TABLE.put("POST /api/accounts/{accountId}/reactivate", row(Rule.ADMIN));
        TABLE.put("POST /api/accounts/{accountId}/archive", row(Rule.ADMIN));
        TABLE.put("POST /api/accounts/{accountId}/forget", row(Rule.ADMIN));
        // with a wrong password: 422 for whoever may ask, and nothing is forgotten
        TABLE.put("DELETE /api/accounts/me", row(Rule.CUSTOMER_OR_ADMIN).withBody(f -> Map.of("password", "not-it")));
        TABLE.put("GET /api/accounts/me", row(Rule.CUSTOMER_OR_ADMIN));
        TABLE.put("GET /api/accounts/me/events", row(Rule.CUSTOMER_OR_ADMIN));
        TABLE.put("POST /api/accounts/me/confirm", row(Rule.CUSTOMER_OR_ADMIN).withBody(f -> Map.of("code", "000000")));
        TABLE.put("PUT /api/accounts/me/address", row(Rule.CUSTOMER_OR_ADMIN).withBody(f -> SharedStore.checkoutBody(f.card())
                .get("shippingAddress")));
        TABLE.put("POST /api/accounts/me/cards", row(Rule.CUSTOMER_OR_ADMIN).withBody(f -> Map.of("cardToken", f.card())));
        TABLE.put("DELETE /api/accounts/me/cards/{cardToken}", row(Rule.CUSTOMER_OR_ADMIN));
        TABLE.put("GET /api/accounts/me/messages", row(Rule.CUSTOMER_OR_ADMIN));
        TABLE.put("POST /api/accounts/me/confirmation-code", row(Rule.CUSTOMER_OR_ADMIN));
        TABLE.put("GET /api/accounts/{accountId}/login-failures", row(Rule.ADMIN));
        TABLE.put("DELETE /api/accounts/{accountId}/login-failures", row(Rule.ADMIN));
        TABLE.put("GET /api/accounts/login-failures/clients/{address}", row(Rule.ADMIN)
                .withVariable("address", f -> "192.0.2.7"));
        TABLE.put("DELETE /api/accounts/login-failures/clients/{address}", row(Rule.ADMIN)
                .withVariable("address", f -> "192.0.2.7"));
        // catalog, inventory, the listing
        TABLE.put("GET /api/catalog/products", row(Rule.PUBLIC));
        TABLE.put("GET /api/catalog/products/{sku}", row(Rule.PUBLIC));
        TABLE.put("GET /api/catalog/products/{sku}/events", row(Rule.ADMIN));
        TABLE.put("POST /api/catalog/products", row(Rule.ADMIN).withBody(f -> Map.of("sku", "SKU-M" + Math.abs(UUID.randomUUID()
                .getMostSignificantBits() % 1_000_000_000L), "name", "Matrix", "description", "matrix", "priceCents", 100)));
        TABLE.put("PUT /api/catalog/products/{sku}/price", row(Rule.ADMIN).withBody(f -> Map.of("priceCents", 1000)));
        TABLE.put("DELETE /api/catalog/products/{sku}", row(Rule.ADMIN).withVariable("sku", Fixture::spareSku));
        TABLE.put("GET /api/inventory", row(Rule.ADMIN));
        TABLE.put("GET /api/inventory/{sku}", row(Rule.PUBLIC));
        TABLE.put("GET /api/inventory/{sku}/events", row(Rule.ADMIN));
        TABLE.put("GET /api/inventory/{sku}/receipts", row(Rule.ADMIN));
        TABLE.put("POST /api/inventory/{sku}/receipts", row(Rule.ADMIN).withBody(f -> Map.of("quantity", 1)));
        // the cart
        TABLE.put("GET /api/cart", row(Rule.CUSTOMER));
        TABLE.put("DELETE /api/cart", row(Rule.CUSTOMER));
        TABLE.put("GET /api/cart/events", row(Rule.CUSTOMER));
        TABLE.put("POST /api/cart/items", row(Rule.CUSTOMER).withBody(f -> Map.of("sku", f.sku(), "quantity", 1)));
        TABLE.put("PUT /api/cart/items/{sku}", row(Rule.CUSTOMER).withBody(f -> Map.of("quantity", 2)));
        TABLE.put("DELETE /api/cart/items/{sku}", row(Rule.CUSTOMER));
        TABLE.put("POST /api/cart/checkout", row(Rule.CUSTOMER).withBody(f -> SharedStore.checkoutBody(f.card())));
        // orders, payments
        TABLE.put("GET /api/orders", row(Rule.CUSTOMER_OR_ADMIN));
        TABLE.put("GET /api/orders/{orderId}", row(Rule.OWN_OR_ADMIN));
        TABLE.put("GET /api/orders/{orderId}/events", row(Rule.OWN_OR_ADMIN));
        TABLE.put("POST /api/orders/{orderId}/cancel", row(Rule.OWN_OR_ADMIN));
        TABLE.put("POST /api/payments/tokens", row(Rule.CUSTOMER).withBody(f -> Map.of("number", SharedStore.APPROVES,
                "expMonth", 12, "expYear", Year.now().getValue() + 2, "cvc", "123")));
        TABLE.put("GET /api/payments/tokens", row(Rule.CUSTOMER));
        TABLE.put("GET /api/payments/tokens/{token}", row(Rule.OWN));
        TABLE.put("GET /api/payments", row(Rule.CUSTOMER_OR_ADMIN));
        TABLE.put("GET /api/payments/{orderId}", row(Rule.OWN_OR_ADMIN));
        TABLE.put("GET /api/payments/{orderId}/events", row(Rule.OWN_OR_ADMIN));
        // the views' own
        TABLE.put("GET /api/views/freshness", row(Rule.PUBLIC));
        TABLE.put("POST /api/views/rebuild", row(Rule.ADMIN));
        TABLE.put("GET /api/views/status", row(Rule.ADMIN));
        TABLE.put("GET /api/views/hash", row(Rule.ADMIN));
        TABLE.put("GET /api/views/dashboard", row(Rule.ADMIN));
        // the operations console's, at every service
        TABLE.put("GET /api/ops/{service}/overview", row(Rule.ADMIN));
        TABLE.put("GET /api/ops/{service}/audit", row(Rule.ADMIN));
        TABLE.put("GET /api/ops/{service}/events", row(Rule.ADMIN));
        TABLE.put("GET /api/ops/{service}/events/{position}", row(Rule.ADMIN).withVariable("position", f -> "1"));
        // no field named: the administrator's request is refused as incomplete, nothing is unmasked
        TABLE.put("POST /api/ops/{service}/events/{position}/unmask", row(Rule.ADMIN).withVariable("position", f -> "1")
                .withBody(f -> Map.of()));
        TABLE.put("GET /api/ops/{service}/streams/{streamId}", row(Rule.ADMIN).withVariable("streamId", f -> "order-" + f.orderId()));
        TABLE.put("GET /api/ops/{service}/correlations/{id}", row(Rule.ADMIN).withVariable("id", f -> "no-such-correlation"));
        TABLE.put("GET /api/ops/{service}/projections", row(Rule.ADMIN));
        TABLE.put("GET /api/ops/{service}/projections/{name}/replicas", row(Rule.ADMIN).withVariable("name", f -> "no-such-projection"));
        TABLE.put("GET /api/ops/{service}/projections/{name}/rebuild", row(Rule.ADMIN).withVariable("name", f -> "no-such-projection"));
        TABLE.put("POST /api/ops/{service}/projections/{name}/rebuild", row(Rule.ADMIN).withVariable("name", f -> "no-such-projection")
                .withBody(f -> Map.of()));
        TABLE.put("GET /api/ops/{service}/parked", row(Rule.ADMIN));
        TABLE.put("POST /api/ops/{service}/parked/replay", row(Rule.ADMIN).withBody(f -> Map.of("id", "no-such-record")));
        TABLE.put("POST /api/ops/{service}/parked/discard", row(Rule.ADMIN).withBody(f -> Map.of("id", "no-such-record",
                "reason", "matrix")));
        TABLE.put("POST /api/ops/{service}/parked/replay-all", row(Rule.ADMIN).withBody(f -> Map.of("topic", "no-such-topic")));
        TABLE.put("GET /api/ops/{service}/parked/jobs/{id}", row(Rule.ADMIN).withVariable("id", f -> "no-such-job"));
        TABLE.put("POST /api/ops/{service}/parked/jobs/{id}/stop", row(Rule.ADMIN).withVariable("id", f -> "no-such-job"));
        TABLE.put("GET /api/ops/{service}/sagas", row(Rule.ADMIN).withQuery("?customer=no-such-customer"));
        TABLE.put("GET /api/ops/{service}/sagas/stuck", row(Rule.ADMIN));
    }

    @BeforeAll
    static void resources() {
        shared = SharedStore.get();
        edge = shared.edge;
        api = PublicApi.create(shared);
        fixture = api.fixture;
    }

    /**
     * Handler mappings the descriptions leave out on purpose, besides {@code /internal/**}: the error page, the
     * descriptions themselves and edge's Swagger UI, and edge's browser login and logout (form posts of the storefront, CSRF-protected).
     */
    static final Set<String> NOT_DESCRIBED = Set.of("/error", "/v3/api-docs", "/v3/api-docs.yaml", "/v3/api-docs/{group}",
            "/v3/api-docs/swagger-config", "/swagger-ui.html", "/login", "/logout");

    /** Every handler mapping (method and path pattern) of an application's Spring MVC controllers. */
    static Set<String> mappings(String app) {
        Set<String> mappings = new TreeSet<>();
        shared.store.context(app).getBeansOfType(RequestMappingHandlerMapping.class).values()
                .forEach(mapping -> mapping.getHandlerMethods().keySet().forEach(info -> {
                    Set<String> paths = info.getPatternValues();
                    Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                    for (String path : paths) {
                        if (methods.isEmpty()) {
                            mappings.add("* " + path);
                        }
                        methods.forEach(method -> mappings.add(method.name() + " " + path));
                    }
                }));
        return mappings;
    }

    @Test
    void everyControllerOfEdgeAndTheServices_isInTheirDescriptions_orInternal() {
        Map<String, Set<String>> described = new TreeMap<>();
        api.operations().forEach(operation -> described.computeIfAbsent(operation.source(), source -> new TreeSet<>())
                .add(operation.method() + " " + operation.path()));
        List<String> hidden = new ArrayList<>();
        described.forEach((app, operations) -> mappings(app).stream()
                .filter(mapping -> !operations.contains(mapping))
                .filter(mapping -> !mapping.substring(mapping.indexOf(' ') + 1).startsWith("/internal/"))
                .filter(mapping -> !NOT_DESCRIBED.contains(mapping.substring(mapping.indexOf(' ') + 1)))
                .forEach(mapping -> hidden.add(app + ": " + mapping)));
        assertThat(described.keySet()).contains("edge", "accounts", "orders", "views");
        assertThat(hidden).as("endpoints no description lists, so that no row of the table covers them").isEmpty();
    }

    @Test
    void noInternalEndpointOfAnyApplication_isReachableThroughEdge() {
        List<String> internal = new ArrayList<>();
        for (ServiceApp app : shared.store.config().apps()) {
            mappings(app.name()).stream().filter(mapping -> mapping.contains(" /internal/"))
                    .forEach(mapping -> internal.add(mapping));
        }
        assertThat(internal).as("the internal endpoints there are").contains("POST /internal/credentials/verify",
                "GET /internal/ops/breakers");

        List<String> wrong = new ArrayList<>();
        for (String mapping : internal) {
            String method = mapping.startsWith("* ") ? "GET" : mapping.substring(0, mapping.indexOf(' '));
            String path = PublicApi.VARIABLE.matcher(mapping.substring(mapping.indexOf(' ') + 1)).replaceAll("x");
            for (Caller caller : Caller.values()) {
                EdgeClient.Response response = edge.send(method, path, method.equals("GET") ? null : Map.of(),
                        api.token(caller), Map.of());
                Expected expected = Rule.INTERNAL.expect(caller);
                if (!expected.matches(response.status())) {
                    wrong.add(method + " " + path + " by " + caller + ": " + response.status() + ", expected " + expected
                            + ": " + PublicApi.abbreviate(response.text()));
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void everyOperationOfEveryDescription_hasARow_andAnswersEachCallerAsItsRuleSays() {
        List<Operation> operations = api.operations();

        Set<String> unlisted = new TreeSet<>();
        operations.stream().filter(operation -> !TABLE.containsKey(operation.key()))
                .forEach(operation -> unlisted.add(operation.key() + "   (" + operation.source() + ")"));
        assertThat(unlisted).as("operations the descriptions list without a row in the table: say who may call them")
                .isEmpty();
        Set<String> stale = new TreeSet<>(TABLE.keySet());
        operations.forEach(operation -> stale.remove(operation.key()));
        assertThat(stale).as("rows of operations no description lists").isEmpty();

        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (Operation operation : operations) {
            Row row = TABLE.get(operation.key());
            String path = path(operation, row) + row.query();
            for (Caller caller : Caller.values()) {
                String token = row.ownSession() ? api.freshSession(caller) : api.token(caller);
                EdgeClient.Response response = edge.send(operation.method(), path, row.body().apply(fixture), token, Map.of());
                calls++;
                Expected expected = row.rule().expect(caller);
                if (!expected.matches(response.status())) {
                    wrong.add(operation.method() + " " + path + " (" + row.rule() + ") by " + caller + ": "
                            + response.status() + ", expected " + expected + ": " + PublicApi.abbreviate(response.text()));
                }
            }
        }
        assertThat(wrong).as("answers that break the table (%d calls)", calls).isEmpty();
        assertThat(calls).isEqualTo(operations.size() * Caller.values().length);
    }

    /** The operation's path with its variables filled in: the row's values, else the fixture's. */
    private static String path(Operation operation, Row row) {
        Map<String, String> values = fixture.variables();
        Matcher variable = PublicApi.VARIABLE.matcher(operation.path());
        StringBuilder path = new StringBuilder();
        while (variable.find()) {
            String name = variable.group(1);
            Function<Fixture, String> given = row.variables().get(name);
            String value = given != null ? given.apply(fixture) : values.get(name);
            assertThat(value).as("a value for {%s} of %s", name, operation.key()).isNotNull();
            variable.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        variable.appendTail(path);
        return path.toString();
    }

}
