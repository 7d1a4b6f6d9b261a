package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.edge.sessions.Sessions;
import eventshop.edge.tokens.EdgeTokens;
import eventshop.edgetoken.EdgeToken;
import eventshop.edgetoken.TokenKeys;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The store's public API as the tests that go through all of it see it ({@link AuthorizationMatrixTest},
 * {@link FuzzEveryEndpointTest}): every operation the OpenAPI descriptions list (edge's own at {@code /v3/api-docs} and
 * every service's as edge gathers them at {@code /api/docs/<service>}), real resources for their path variables, and
 * the callers that call them. Each test makes its own with {@link #create}, on the shared store.
 */
final class PublicApi {

    /** Who calls. */
    enum Caller { EXPIRED, WRONG_KEY, NONE, OTHER, OWNER, ADMIN }

    /**
     * The resources the requests name: the owner's account, card and delivered order (and its payment), a product
     * with stock, a spare product (a deletion's), and an account for the administrator's commands.
     */
    record Fixture(String ownerId, String ownerEmail, String card, String orderId, String sku, String spareSku,
                   String accountId) {

        /** The values of the path variables the descriptions name, by name. */
        Map<String, String> variables() {
            return Map.of("orderId", orderId, "sku", sku, "accountId", accountId, "token", card, "cardToken", card);
        }
    }

    /**
     * An operation of a description: where it was listed ({@code edge} or the service), its method and path, its key
     * (the operations console's {@code /api/ops/<service>/...} as {@code /api/ops/{service}/...}), the operation's
     * node and the whole description it is in (for its {@code $ref}s).
     */
    record Operation(String source, String method, String path, String key, JsonNode spec, JsonNode description) {

        @Override
        public String toString() {
            return method + " " + path + " (" + source + ")";
        }
    }

    static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");
    private static final Pattern OPS_PATH = Pattern.compile("^/api/ops/([a-z]+)/(.+)$");

    final SharedStore shared;
    final EdgeClient edge;
    final Fixture fixture;
    private final Map<Caller, Supplier<String>> tokens;

    private PublicApi(SharedStore shared, Fixture fixture, Map<Caller, Supplier<String>> tokens) {
        this.shared = shared;
        this.edge = shared.edge;
        this.fixture = fixture;
        this.tokens = tokens;
    }

    /** New resources and callers on the shared store. */
    static PublicApi create(SharedStore shared) {
        EdgeClient edge = shared.edge;
        // the owner has an account (its own profile, messages and saved cards are real), a card, an order and its payment
        String email = "owner-" + UUID.randomUUID() + "@example.com";
        EdgeClient.Response registered = edge.post("/api/accounts", Map.of("email", email, "name", "Owner",
                "password", "pw-" + UUID.randomUUID()), null);
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        String ownerId = registered.body().get("accountId").asString();
        String ownerSession = shared.session(new EdgeUser(ownerId, email, Set.of(EdgeToken.CUSTOMER)));
        EdgeClient.Response card = edge.post("/api/payments/tokens", Map.of("number", SharedStore.APPROVES, "expMonth", 12,
                "expYear", Year.now().getValue() + 2, "cvc", "123"), ownerSession);
        assertThat(card.status()).as(card.toString()).isEqualTo(201);
        SharedStore.Customer owner = new SharedStore.Customer(ownerId, ownerSession, card.body().get("token").asString());
        SharedStore.Customer other = shared.customer(SharedStore.APPROVES);
        String sku = shared.product(1_000, 1_000);
        String spareSku = shared.product(500, 1);
        String orderId = shared.checkOut(owner, sku, 1);
        shared.awaitStatus(owner, orderId, "DELIVERED");
        await().atMost(SharedStore.PATIENCE).until(() -> edge.get("/api/payments/" + orderId, owner.session()).status() == 200
                && edge.get("/api/payments/tokens/" + owner.card(), owner.session()).status() == 200);
        EdgeClient.Response target = edge.post("/api/accounts", Map.of("email", "target-" + UUID.randomUUID() + "@example.com",
                "name", "Target", "password", "pw-" + UUID.randomUUID()), null);
        assertThat(target.status()).as(target.toString()).isEqualTo(201);
        Fixture fixture = new Fixture(ownerId, email, owner.card(), orderId, sku, spareSku,
                target.body().get("accountId").asString());

        Map<Caller, Supplier<String>> tokens = new EnumMap<>(Caller.class);
        tokens.put(Caller.NONE, () -> null);
        tokens.put(Caller.OWNER, owner::session);
        tokens.put(Caller.OTHER, other::session);
        tokens.put(Caller.ADMIN, () -> shared.admin);
        // the owner's own live session, under a token that expired an hour ago / that a key edge does not have signed
        String secret = shared.store.secrets().tokenSecret();
        Instant nineHoursAgo = Instant.now().minus(Duration.ofHours(9));
        String expired = sessionToken(shared, secret, Clock.fixed(nineHoursAgo, ZoneOffset.UTC), ownerId, email);
        String wrongKey = sessionToken(shared, Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes()),
                Clock.systemUTC(), ownerId, email);
        tokens.put(Caller.EXPIRED, () -> expired);
        tokens.put(Caller.WRONG_KEY, () -> wrongKey);
        return new PublicApi(shared, fixture, tokens);
    }

    /** A session token for a live session of the account, minted under this key and clock. */
    private static String sessionToken(SharedStore shared, String key, Clock clock, String accountId, String email) {
        Sessions sessions = shared.store.context("edge").getBean(Sessions.class);
        String sessionId = sessions.open(accountId, sessions.mark(), null);
        eventshop.edge.tokens.Caller customer = new eventshop.edge.tokens.Caller(accountId, email, List.of(EdgeToken.CUSTOMER));
        return new EdgeTokens(TokenKeys.parse(key, null), clock, Duration.ofHours(8), Duration.ofSeconds(60))
                .mintSession(customer, sessionId).token();
    }

    /** The caller's token (null for none). */
    String token(Caller caller) {
        return tokens.get(caller).get();
    }

    /** A fresh session of the caller, for a request that ends the one it uses. */
    String freshSession(Caller caller) {
        return switch (caller) {
            case OWNER -> shared.session(new EdgeUser(fixture.ownerId(), fixture.ownerEmail(), Set.of(EdgeToken.CUSTOMER)));
            case OTHER -> shared.session(new EdgeUser(UUID.randomUUID().toString(), "o@example.com",
                    Set.of(EdgeToken.CUSTOMER)));
            case ADMIN -> shared.session(new EdgeUser("admin-" + UUID.randomUUID(), DemoData.ADMIN_EMAIL,
                    Set.of(EdgeToken.ADMIN)));
            default -> token(caller);
        };
    }

    /** Every operation the descriptions list: edge's own and each service's, as edge gathers them. */
    List<Operation> operations() {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("edge", "/v3/api-docs");
        EdgeClient.Response index = edge.get("/api/docs", null);
        assertThat(index.status()).as(index.toString()).isEqualTo(200);
        index.body().get("services").forEach(service -> sources.put(service.get("name").asString(),
                service.get("url").asString()));
        assertThat(sources.keySet()).as("the services edge routes to")
                .contains("accounts", "catalog", "inventory", "carts", "orders", "payments", "views");
        List<Operation> operations = new ArrayList<>();
        sources.forEach((source, url) -> {
            EdgeClient.Response description = edge.get(url, null);
            assertThat(description.status()).as(source + ": " + description).isEqualTo(200);
            for (Map.Entry<String, JsonNode> path : description.body().get("paths").properties()) {
                for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                    String method = operation.getKey().toUpperCase();
                    if (Set.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) {
                        Matcher ops = OPS_PATH.matcher(path.getKey());
                        String key = method + " " + (ops.matches() && !ops.group(1).equals("breakers")
                                ? "/api/ops/{service}/" + ops.group(2) : path.getKey());
                        operations.add(new Operation(source, method, path.getKey(), key, operation.getValue(),
                                description.body()));
                    }
                }
            }
        });
        return operations;
    }

    static String abbreviate(String text) {
        String flat = text == null ? "" : text.replaceAll("\\s+", " ");
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
