package eventshop.launcher;

import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.load.CheckoutLoad;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Year;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The storefront's figures for docs/benchmarks.md (a program, not a test: speed is measured, never asserted).
 * Starts a whole store with the demo data on free ports in this JVM (what {@code ./store up} runs, but not on
 * the shared ports), runs {@code store load} at 5 checkouts/s against it, and meanwhile times page requests
 * through edge as a logged-in customer (browser session cookie): catalog, product, cart and order pages in turn,
 * client side over loopback, so each time is edge + web + the services' calls. Where the time goes: web's
 * {@code Server-Timing} header (turned on here) gives each service call and web's handler, and web's
 * {@code http.server.requests} its own mean with rendering. Then the catalog page's weight (HTML,
 * CSS, scripts) and, for fresh orders, the time from the payment's authorization (the step's own timestamp, as
 * orders recorded it) to the step's fragment arriving on the order page's event stream through edge.
 *
 * <p>{@code ./mvnw -o -pl launcher -am test-compile} then run this class's main with the launcher's test
 * classpath (see docs/benchmarks.md).
 */
public final class StorefrontPageTimes {

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dataDir = Files.createTempDirectory("eventshop-page-times");
        // web says how long each of a page's service calls took (its Server-Timing header, passed on by edge)
        StoreConfig config = StoreConfig.standard(dataDir).withKafkaPorts(FreePorts.next(), FreePorts.next())
                .withProperty("eventshop.web.server-timing", "true");
        for (ServiceApp app : config.apps()) {
            config = config.withPort(app.name(), FreePorts.next());
        }
        try (StoreRuntime store = new StoreRuntime(config, new PrintStream(OutputStream.nullOutputStream()))) {
            store.start();
            URI edge = store.edgeUrl();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            EdgeClient api = new EdgeClient(http, edge);

            // a customer with a card, an order to show, a cart with a line
            String email = "pages-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            api.post("/api/accounts", Map.of("email", email, "name", "Page Timer", "password", "a long password"), null);
            String session = api.post("/api/auth/login", Map.of("email", email, "password", "a long password"), null)
                    .body().get("token").asString();
            String card = api.post("/api/payments/tokens", Map.of("number", SharedStore.APPROVES, "expMonth", 12,
                    "expYear", Year.now().getValue() + 2, "cvc", "123"), session).body().get("token").asString();
            String orderId = checkOut(api, session, card);
            api.post("/api/cart/items", Map.of("sku", "SKU-24642", "quantity", 1), session);

            // store load at 5 checkouts/s while the pages are timed
            ExecutorService background = Executors.newSingleThreadExecutor();
            Future<Integer> load = background.submit(() -> new CheckoutLoad(new CheckoutLoad.Settings(edge,
                    store.adminPassword(), 5, Duration.ofSeconds(150), 20, "SKU-34563",
                    "localhost:" + store.config().kafkaPort(), ProcessHandle.current().pid(),
                    java.nio.file.Files.createTempDirectory("page-times-load")),
                    new PrintStream(OutputStream.nullOutputStream())).run());
            Thread.sleep(10_000); // the load's set-up (customers, stock) before the pages are timed

            URI web = store.url("web");
            // web's metrics are the admin's only: a services token with the admin role, as edge would mint one
            String admin = eventshop.eventsourcing.security.EdgeTokens.fromBase64(store.secrets().tokenSecret(),
                    java.time.Clock.systemUTC()).mint(new eventshop.eventsourcing.security.EdgeUser("admin-page-times",
                    eventshop.launcher.demo.DemoData.ADMIN_EMAIL, java.util.Set.of(eventshop.edgetoken.EdgeToken.ADMIN)),
                    eventshop.edgetoken.EdgeToken.SERVICES_AUDIENCE, Duration.ofHours(2));
            Map<String, String> patterns = Map.of("catalog", "/products", "product", "/products/{sku}", "cart", "/cart",
                    "order", "/orders/{orderId}");
            Map<String, Double> webMeans = new LinkedHashMap<>();
            Map<String, String> pages = new LinkedHashMap<>();
            pages.put("catalog", "/products?q=&sort=name");
            pages.put("product", "/products/SKU-24642");
            pages.put("cart", "/cart");
            pages.put("order", "/orders/" + orderId);
            System.out.println("page     samples  p50 ms  p95 ms  max ms   (through edge, 5 checkouts/s running)");
            // the pages in turn (catalog, product, cart, order, catalog, ...), so that each sees the same conditions
            // on a machine whose load changes
            Map<String, List<Double>> clientTimes = new LinkedHashMap<>();
            Map<String, Map<String, List<Double>>> serverTimes = new LinkedHashMap<>();
            Map<String, double[]> webSeconds = new LinkedHashMap<>();
            for (int i = 0; i < samples + 20; i++) {
                for (Map.Entry<String, String> page : pages.entrySet()) {
                    if (i == 20) { // web's own count of the page's time, from here on
                        webSeconds.put(page.getKey(), webServerSeconds(http, web, admin, patterns.get(page.getKey())));
                    }
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(edge.resolve(page.getValue()))
                            .header("Cookie", "eventshop_session=" + session).build(), HttpResponse.BodyHandlers.ofString());
                    double millis = (System.nanoTime() - t0) / 1e6;
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(page.getKey() + " answered " + response.statusCode());
                    }
                    if (i >= 20) { // the first requests warm the JIT
                        clientTimes.computeIfAbsent(page.getKey(), key -> new ArrayList<>()).add(millis);
                        Map<String, List<Double>> calls = serverTimes.computeIfAbsent(page.getKey(), key -> new LinkedHashMap<>());
                        response.headers().firstValue("Server-Timing").ifPresent(header -> serverTiming(header, calls));
                    }
                    Thread.sleep(20);
                }
            }
            for (Map.Entry<String, List<Double>> page : clientTimes.entrySet()) {
                double[] before = webSeconds.get(page.getKey());
                double[] after = webServerSeconds(http, web, admin, patterns.get(page.getKey()));
                webMeans.put(page.getKey(), (after[0] - before[0]) * 1000 / (after[1] - before[1]));
                List<Double> times = page.getValue();
                Collections.sort(times);
                System.out.printf("%-8s %7d %7.1f %7.1f %7.1f%n", page.getKey(), times.size(), at(times, 0.50), at(times, 0.95),
                        times.getLast());
            }

            webMeans.forEach((page, mean) -> System.out.printf("%-8s mean at the client %.1f ms, web's own mean"
                    + " (http.server.requests, rendering included) %.1f ms%n", page,
                    clientTimes.get(page).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN), mean));
            System.out.println("where the time goes, per page (web's Server-Timing: each call web made, and its handler"
                    + " from start to model, calls included)");
            System.out.println("page     call                                      samples  p50 ms  p95 ms  max ms");
            serverTimes.forEach((page, calls) -> calls.forEach((call, times) -> {
                Collections.sort(times);
                System.out.printf("%-8s %-41s %7d %7.1f %7.1f %7.1f%n", page, call, times.size(), at(times, 0.50),
                        at(times, 0.95), times.getLast());
            }));

            // the catalog page's weight
            String html = get(http, edge, "/products", session);
            long css = get(http, edge, "/css/shop.css", session).length();
            long htmx = get(http, edge, "/webjars/htmx.org/2.0.7/dist/htmx.min.js", session).length();
            long sse = get(http, edge, "/webjars/htmx-ext-sse/2.2.2/sse.js", session).length();
            System.out.printf("catalog page weight: HTML %d B, CSS %d B, htmx %d B, sse ext %d B: total %d B (uncompressed)%n",
                    html.length(), css, htmx, sse, html.length() + css + htmx + sse);

            // payment authorized -> the step on the order page's stream, for fresh orders
            List<Double> live = new ArrayList<>();
            Pattern authorized = Pattern.compile("data-status=\"PAYMENT_AUTHORIZED\">\\s*<span class=\"step\">[^<]*</span>\\s*"
                    + "<time datetime=\"([^\"]+)\"");
            for (int i = 0; i < 20; i++) {
                String order = checkOut(api, session, card);
                HttpResponse<java.util.stream.Stream<String>> stream = http.send(HttpRequest.newBuilder(
                        edge.resolve("/orders/" + order + "/live")).header("Cookie", "eventshop_session=" + session)
                        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
                boolean seenBefore = true;
                StringBuilder event = new StringBuilder();
                for (java.util.Iterator<String> lines = stream.body().iterator(); lines.hasNext(); ) {
                    String line = lines.next();
                    if (!line.isEmpty()) {
                        event.append(line).append('\n');
                        continue;
                    }
                    Matcher step = authorized.matcher(event.toString().replace("data:", ""));
                    if (step.find()) {
                        if (!seenBefore) { // only a step that arrived live, not one in the stream's first render
                            live.add(Duration.between(Instant.parse(step.group(1)), Instant.now()).toNanos() / 1e6);
                        }
                        break;
                    }
                    seenBefore = false;
                    event.setLength(0);
                }
                stream.body().close();
            }
            Collections.sort(live);
            System.out.printf("payment authorized -> step on the order page's stream: %d of 20 arrived live, p50 %.1f ms,"
                    + " p95 %.1f ms, max %.1f ms%n", live.size(), at(live, 0.5), at(live, 0.95),
                    live.isEmpty() ? Double.NaN : live.getLast());
            System.out.println("store load: " + load.get() + " (exit code)");
            background.shutdown();
        }
    }

    /** Web's {@code http.server.requests} total seconds and count for GETs of {@code uri} answered 200, so far. */
    private static double[] webServerSeconds(HttpClient http, URI web, String admin, String uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(web.resolve("/actuator/prometheus"))
                .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("web's metrics answered " + response.statusCode());
        }
        String metrics = response.body();
        double[] secondsAndCount = new double[2];
        for (String line : metrics.split("\n")) {
            if (line.contains("method=\"GET\"") && line.contains("status=\"200\"") && line.contains("uri=\"" + uri + "\"")) {
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (line.startsWith("http_server_requests_seconds_sum{")) {
                    secondsAndCount[0] += value;
                } else if (line.startsWith("http_server_requests_seconds_count{")) {
                    secondsAndCount[1] += value;
                }
            }
        }
        return secondsAndCount;
    }

    private static final Pattern TIMING = Pattern.compile("(?:^|,\\s*)([\\w-]+);dur=([\\d.]+)(?:;desc=\"([^\"]*)\")?");

    /** Adds each metric of a {@code Server-Timing} header to {@code calls}, by its description (ids left out). */
    private static void serverTiming(String header, Map<String, List<Double>> calls) {
        Matcher metric = TIMING.matcher(header);
        while (metric.find()) {
            String name = metric.group(3) == null ? metric.group(1)
                    : metric.group(3).replaceAll("/orders/[^/]+", "/orders/{id}").replaceAll("/products/[^/]+", "/products/{sku}");
            calls.computeIfAbsent(name, key -> new ArrayList<>()).add(Double.parseDouble(metric.group(2)));
        }
    }

    private static String checkOut(EdgeClient api, String session, String card) {
        api.post("/api/cart/items", Map.of("sku", "SKU-12464", "quantity", 1), session);
        return api.send("POST", "/api/cart/checkout", SharedStore.checkoutBody(card), session,
                Map.of("Idempotency-Key", UUID.randomUUID().toString())).body().get("orderId").asString();
    }

    private static String get(HttpClient http, URI edge, String path, String session) throws Exception {
        return http.send(HttpRequest.newBuilder(edge.resolve(path)).header("Cookie", "eventshop_session=" + session).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double at(List<Double> sorted, double quantile) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
    }
}
