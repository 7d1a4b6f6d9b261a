package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.projection.ProjectionStatus;
import eventshop.eventsourcing.projection.Projections;
import eventshop.launcher.client.EdgeClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Year;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Crypto-shredding, end to end on the whole store ({@link SharedStore}), driven only through edge (docs/privacy.md): a
 * customer with a unique e-mail address, name and address line registers, logs in, sets the address, checks out
 * with it and the order is delivered. Before erasure those bytes are nowhere in clear under the data directory (event
 * store files, H2 files, Kafka's log segments): they were sealed where they entered. The customer forgets
 * themselves with their password; then the order still shows its lines, amounts and status and "erased" for the
 * address, the account cannot log in, the address registers again, a rebuild of accounts' read models from the log
 * works and shows "erased", and the bytes are still nowhere (in UTF-8, UTF-16 or JSON-escaped form).
 */
class ErasureEndToEndTest {

    private final SharedStore shop = SharedStore.get();
    private final EdgeClient edge = shop.edge;

    @Test
    void aForgottenCustomer_isErasedEverywhere_andTheirOrderKeepsItsFigures() {
        String unique = UUID.randomUUID().toString().replace("-", "");
        String email = "erase-" + unique + "@example.com";
        String name = "Zoë Erasable " + unique.substring(0, 12);
        String line1 = unique.substring(12, 24) + " Shredder Lane";
        String password = "pw-" + unique;
        String sku = shop.product(1250, 10);

        // given a customer who registered, was confirmed, logged in, set an address and had an order delivered
        EdgeClient.Response registered = edge.post("/api/accounts",
                Map.of("email", email, "name", name, "password", password), null);
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        String accountId = registered.body().get("accountId").asString();
        assertThat(edge.post("/api/accounts/" + accountId + "/confirm", Map.of(), shop.admin).status()).isEqualTo(204);
        String session = await().atMost(SharedStore.PATIENCE).until(() -> loginStatus(email, password),
                login -> login.status() == 200).body().get("token").asString();
        Map<String, Object> address = new LinkedHashMap<>(Map.of("name", name, "line1", line1, "line2", "",
                "city", "Oxford", "postalCode", "OX1 1AA", "country", "GB"));
        assertThat(edge.put("/api/accounts/me/address", address, session).status()).isEqualTo(204);
        EdgeClient.Response card = edge.post("/api/payments/tokens", Map.of("number", SharedStore.APPROVES,
                "expMonth", 12, "expYear", Year.now().getValue() + 2, "cvc", "123"), session);
        assertThat(card.status()).as(card.toString()).isEqualTo(201);
        SharedStore.Customer customer = new SharedStore.Customer(accountId, session, card.body().get("token").asString());
        shop.addToCart(customer, sku, 2);
        EdgeClient.Response accepted = edge.post("/api/cart/checkout",
                Map.of("shippingAddress", address, "cardToken", customer.card()), session);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String orderId = accepted.body().get("orderId").asString();
        JsonNode delivered = shop.awaitStatus(customer, orderId, "DELIVERED");
        assertThat(delivered.at("/shippingAddress/line1").asString()).isEqualTo(line1);
        JsonNode me = edge.get("/api/accounts/me", session).body();
        assertThat(me.get("email").asString()).isEqualTo(email);
        assertThat(me.get("name").asString()).isEqualTo(name);
        List<String> secrets = List.of(email, name, line1);

        // then the personal data is nowhere in clear, though the account is there (the scan does read the files)
        assertThat(findings(accountId)).as("the account id, which is not personal data").isNotEmpty();
        assertThat(findings("pd1:" + accountId + ":")).as("its personal data, sealed").isNotEmpty();
        assertThat(findingsOfAny(secrets)).as("personal data in clear before erasure").isEmpty();

        // when the customer forgets themselves (a wrong password first: nothing happens)
        assertThat(edge.send("DELETE", "/api/accounts/me", Map.of("password", "not-" + password), session, Map.of())
                .status()).isEqualTo(422);
        EdgeClient.Response forgotten = edge.send("DELETE", "/api/accounts/me", Map.of("password", password), session,
                Map.of());
        assertThat(forgotten.status()).as(forgotten.toString()).isEqualTo(204);

        // then the order keeps its lines, amounts and status, and its address shows erased
        JsonNode order = await().atMost(SharedStore.PATIENCE).until(
                () -> edge.get("/api/orders/" + orderId, shop.admin).body(),
                shown -> "erased".equals(shown.at("/shippingAddress/line1").asString()));
        assertThat(order.get("status").asString()).isEqualTo("DELIVERED");
        assertThat(order.get("totalCents").asLong()).isEqualTo(delivered.get("totalCents").asLong()).isEqualTo(2650);
        assertThat(order.get("lines")).isEqualTo(delivered.get("lines"));
        assertThat(order.at("/shippingAddress/name").asString()).isEqualTo("erased");
        // the session ended, the account cannot log in, and the address may register again
        assertThat(edge.get("/api/accounts/me", session).status()).isEqualTo(401);
        assertThat(loginStatus(email, password).status()).isEqualTo(401);
        EdgeClient.Response again = edge.post("/api/accounts", Map.of("email", email, "name", "Someone Else",
                "password", "pw-again-" + unique), null);
        assertThat(again.status()).as(again.toString()).isEqualTo(201);
        assertThat(again.body().get("accountId").asString()).isNotEqualTo(accountId);
        // a rebuild of accounts' read models from the log still works, and shows the account erased
        rebuild("accounts");
        rebuild("credentials");
        JsonNode account = edge.get("/api/accounts/" + accountId, shop.admin).body();
        assertThat(account.get("email").asString()).isEqualTo("erased");
        assertThat(account.get("name").asString()).isEqualTo("erased");
        assertThat(account.get("status").asString()).isEqualTo("ARCHIVED");
        // and the bytes are still nowhere
        assertThat(findingsOfAny(secrets)).as("personal data after erasure").isEmpty();
    }

    private EdgeClient.Response loginStatus(String email, String password) {
        return edge.post("/api/auth/login", Map.of("email", email, "password", password), null);
    }

    private void rebuild(String readModel) {
        Projections projections = shop.store.context("accounts").getBean(Projections.class);
        int before = projections.status(readModel).active().generation();
        projections.rebuild(readModel);
        await().atMost(SharedStore.PATIENCE).until(() -> projections.status(readModel),
                status -> status.rebuild() == null && status.active().generation() > before
                        && status.state() == ProjectionStatus.State.RUNNING);
    }

    private List<String> findingsOfAny(List<String> texts) {
        List<String> found = new ArrayList<>();
        texts.forEach(text -> found.addAll(findings(text)));
        return found;
    }

    /**
     * The files under the data directory that hold {@code text}, in UTF-8, UTF-16 (either order) or JSON-escaped
     * (non-ASCII as {@code \\uXXXX}). Kafka's offset and time indexes (preallocated, holding positions only) are
     * passed over.
     */
    private List<String> findings(String text) {
        List<byte[]> forms = List.of(text.getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_16LE),
                text.getBytes(StandardCharsets.UTF_16BE), jsonEscaped(text).getBytes(StandardCharsets.UTF_8));
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(shop.dataDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String fileName = file.getFileName().toString();
                if (fileName.endsWith(".index") || fileName.endsWith(".timeindex") || fileName.endsWith(".lock")) {
                    continue;
                }
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(file);
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue; // replaced while walking (a segment rolled, a temporary file)
                }
                for (byte[] form : forms) {
                    if (indexOf(bytes, form) >= 0) {
                        found.add(shop.dataDir.relativize(file) + " holds " + text);
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static String jsonEscaped(String text) {
        StringBuilder escaped = new StringBuilder();
        text.chars().forEach(c -> escaped.append(c < 128 ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return escaped.toString();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
