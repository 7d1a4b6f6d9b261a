package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Year;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Nothing sensitive in the logs (issue 17, item 7): everything this test JVM printed — the log of every store the
 * launcher's tests started before this class ({@link ConsoleCapture}; this class runs last of the Jupiter classes, by
 * its {@link Order}: the jqwik engine's {@link FuzzEveryEndpointTest} runs after them all, unscanned) and of this
 * class's own flows on the {@link SharedStore} — holds no password, card number, confirmation code, token,
 * token secret or {@code Authorization} header ({@link LeakScan}); nor do the files every process of the distributed
 * topology logged to, when {@link DistributedTopologyTest} ran before and kept them ({@code target/distributed-topology-logs}).
 *
 * <p>The flows are the ones that handle those secrets, the way a customer goes through them, on the happy and the
 * refused paths: registering, logging in (a wrong password first) and confirming (a wrong code first) with the
 * storefront's forms, checking out with a new card typed with spaces; then through the API: a wrong password, a
 * malformed login body that carries a password, cards with dashes, one with a wrong check digit, one declined, a
 * malformed tokenization body that carries a number, a token signed with another key, a logged-out token used
 * again, a customer's token at a service's metrics, a checkout through to delivery.
 */
@Order(Integer.MAX_VALUE)
class LogsKeepNoSecretsTest {

    private static final SharedStore shop = SharedStore.get();
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern KEY = Pattern.compile("name=\"key\" value=\"([^\"]+)\"");
    private static final Pattern CODE = Pattern.compile("class=\"confirmation-code\">(\\d+)<");

    @Test
    void theLauncherRunsLogs_holdNoPasswordCardNumberCodeOrToken() throws Exception {
        assertThat(ConsoleCapture.installed()).as("the console is captured from the start of the run").isTrue();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String email = "leak-" + suffix + "@example.com";
        String password = "Form-Password-" + suffix;
        String wrongPassword = "Wrong-Password-" + suffix;
        String apiWrongPassword = "Api-Wrong-Password-" + suffix;
        String malformedPassword = "Malformed-Body-Password-" + suffix;
        LeakScan scan = new LeakScan().secret(password).secret(wrongPassword).secret(apiWrongPassword)
                .secret(malformedPassword).secret(shop.store.secrets().tokenSecret())
                .secret(shop.store.secrets().adminPassword())
                .card(SharedStore.APPROVES).card(SharedStore.DECLINES).card(SharedStore.INSUFFICIENT_FUNDS);
        DemoData.CUSTOMERS.forEach(customer -> scan.secret(customer.password()).card(customer.cardNumber()));

        // the storefront: register, a wrong password, log in, a wrong code, confirm, check out with a new card
        Browser browser = new Browser(shop.store.edgeUrl());
        assertThat(browser.submit("/register", "/register", form("name", "Lee Kage", "email", email, "password", password))
                .statusCode()).isBetween(300, 399);
        HttpResponse<String> refused = browser.submit("/login", "/login",
                form("email", email, "password", wrongPassword, "next", "/mailbox"));
        assertThat(browser.cookie("eventshop_session")).as("refused: %s", refused.statusCode()).isNull();
        HttpResponse<String> loggedIn = browser.submit("/login", "/login",
                form("email", email, "password", password, "next", "/mailbox"));
        assertThat(loggedIn.statusCode()).isEqualTo(303);
        String session = browser.cookie("eventshop_session");
        assertThat(session).isNotNull();
        scan.secret(session);
        String code = await().atMost(SharedStore.PATIENCE).until(() -> {
            Matcher found = CODE.matcher(browser.get("/mailbox").body());
            return found.find() ? found.group(1) : null;
        }, found -> found != null);
        String wrongCode = String.format("%0" + code.length() + "d", (Long.parseLong(code) + 1) % (long) Math.pow(10, code.length()));
        scan.secret(code).secret(wrongCode);
        assertThat(browser.submit("/account", "/account/confirm", form("code", wrongCode)).statusCode()).isEqualTo(422);
        assertThat(browser.submit("/account", "/account/confirm", form("code", code)).statusCode()).isBetween(300, 399);
        await().atMost(SharedStore.PATIENCE).until(() -> shop.edge.get("/api/accounts/me", session).body()
                .path("status").asString(), "ACTIVE"::equals);
        String sku = shop.product(1_250, 5);
        shop.addToCart(new SharedStore.Customer(null, session, null), sku, 1);
        Matcher key = KEY.matcher(browser.get("/checkout").body());
        assertThat(key.find()).isTrue();
        HttpResponse<String> checkedOut = browser.submit("/checkout", "/checkout", form("name", "Lee Kage",
                "line1", "1 Leak St", "line2", "", "city", "Logtown", "postalCode", "12345", "country", "US",
                "card", "new", "number", "4242 4242 4242 4242", "expMonth", "12",
                "expYear", String.valueOf(Year.now().getValue() + 2), "cvc", "123", "key", key.group(1)));
        assertThat(checkedOut.statusCode()).as(checkedOut.body()).isBetween(300, 399);
        String browserOrder = checkedOut.headers().firstValue("Location").orElseThrow().replaceAll("^/orders/([^?]+).*", "$1");

        // the API: refused logins, cards in every form, refused tokens, a checkout through to delivery
        EdgeClient edge = shop.edge;
        assertThat(edge.post("/api/auth/login", Map.of("email", email, "password", apiWrongPassword), null).status())
                .isEqualTo(401);
        assertThat(edge.post("/api/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + malformedPassword + "\"",
                null).status()).isEqualTo(400);
        String token = edge.login(email, password);
        scan.secret(token);
        EdgeClient.Response card = edge.post("/api/payments/tokens", card("4242-4242-4242-4242"), token);
        assertThat(card.status()).as(card.toString()).isEqualTo(201);
        assertThat(edge.post("/api/payments/tokens", card("4242424242424241"), token).status()).isBetween(400, 499);
        assertThat(edge.post("/api/payments/tokens", card(SharedStore.DECLINES), token).status()).isBetween(200, 499);
        assertThat(edge.post("/api/payments/tokens", "{\"number\":\"" + SharedStore.INSUFFICIENT_FUNDS + "\",\"expMonth\":",
                token).status()).isEqualTo(400);
        assertThat(edge.post("/api/payments/tokens", Map.of("number", List.of(SharedStore.APPROVES), "expMonth", "twelve"),
                token).status()).isEqualTo(400);
        String otherKey = eventshop.eventsourcing.security.EdgeTokens.fromBase64(
                "b3RoZXIta2V5LW9mLWF0LWxlYXN0LTMyLWJ5dGVzLWxvbmch", java.time.Clock.systemUTC())
                .mint(EdgeUser.customer("acc-forged", email), EdgeToken.SESSION_AUDIENCE, Duration.ofMinutes(5));
        scan.secret(otherKey);
        assertThat(edge.get("/api/accounts/me", otherKey).status()).isEqualTo(401);
        String customersServicesToken = shop.tokens.mint(EdgeUser.customer("acc-leak", email));
        scan.secret(customersServicesToken);
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                shop.store.url("orders").resolve("/actuator/prometheus"))
                .header("Authorization", "Bearer " + customersServicesToken).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(403);
        SharedStore.Customer customer = new SharedStore.Customer(null, token, card.body().get("token").asString());
        String apiOrder = shop.checkOut(customer, sku, 1);
        assertThat(shop.awaitTerminal(customer, apiOrder).get("status").asString()).isEqualTo("DELIVERED");
        assertThat(shop.awaitTerminal(customer, browserOrder).get("status").asString()).isEqualTo("DELIVERED");
        assertThat(edge.post("/api/auth/logout", null, token).status()).isBetween(200, 299);
        assertThat(edge.get("/api/accounts/me", token).status()).isEqualTo(401);

        // then: the run's log covers these flows (the card tokenized above is in it, by its last four), and leaks nothing
        String log = ConsoleCapture.text();
        assertThat(ConsoleCapture.overflowed()).isFalse();
        assertThat(log).as("the store's log lines of this test's flows were captured")
                .contains("card ending 4242").contains(card.body().get("token").asString());
        List<String> findings = new ArrayList<>(scan.findings(log));
        // and the files every process of the distributed topology logged to (DistributedTopologyTest keeps them)
        Path distributed = Path.of("target", "distributed-topology-logs");
        if (Files.isDirectory(distributed)) {
            try (Stream<Path> files = Files.list(distributed)) {
                for (Path file : files.sorted().toList()) {
                    scan.findings(Files.readString(file, StandardCharsets.UTF_8)).forEach(
                            finding -> findings.add(file.getFileName() + ": " + finding));
                }
            }
        }
        assertThat(findings).as("what the logs hold that they must not:\n%s",
                findings.stream().limit(20).collect(Collectors.joining("\n"))).isEmpty();
    }

    private static Map<String, Object> card(String number) {
        return Map.of("number", number, "expMonth", 12, "expYear", Year.now().getValue() + 2, "cvc", "123");
    }

    private static Map<String, String> form(String... namesAndValues) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return form;
    }

    /** A browser without JavaScript: cookies kept, redirects not followed, forms posted with the page's CSRF token. */
    private static final class Browser {

        private final URI base;
        private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        private final HttpClient http;

        Browser(URI base) {
            this.base = base;
            this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(5)).build();
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Accept", "text/html").build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** Opens {@code page}, then posts {@code form} to {@code action} with the CSRF token the page rendered. */
        HttpResponse<String> submit(String page, String action, Map<String, String> form)
                throws IOException, InterruptedException {
            HttpResponse<String> opened = get(page);
            Matcher csrf = CSRF.matcher(opened.body());
            assertThat(csrf.find()).as("a form on %s (%s)", page, opened.statusCode()).isTrue();
            Map<String, String> fields = new LinkedHashMap<>(form);
            fields.put("_csrf", csrf.group(1));
            String body = fields.entrySet().stream().map(field -> URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)
                    + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
            return http.send(HttpRequest.newBuilder(base.resolve(action)).header("Accept", "text/html")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        String cookie(String name) {
            return cookies.getCookieStore().getCookies().stream().filter(cookie -> cookie.getName().equals(name))
                    .map(HttpCookie::getValue).findFirst().orElse(null);
        }
    }
}
