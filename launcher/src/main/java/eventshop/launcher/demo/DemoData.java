package eventshop.launcher.demo;

import eventshop.launcher.client.EdgeClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The demo store (DESIGN §5): products with stock and two confirmed customers, loaded through
 * edge's public API as the admin, the way an operator would. Every step can be repeated: a product
 * or customer that exists already is taken as it is and stock is only received for a product that
 * has none, so a load interrupted by a crash is simply run again at the next start. A marker file in
 * the data directory ({@link #MARKER}) says the load is done, so it runs once per data directory.
 */
public final class DemoData {

    /** The store's administrator (accounts creates it at its first start). */
    public static final String ADMIN_EMAIL = "admin@example.com";

    /** Written into the data directory once the demo data is in. */
    public static final String MARKER = "demo-data.loaded";

    public record Product(String sku, String name, String description, long priceCents, int stock) {
    }

    /** A demo customer; {@code cardNumber} is the test card tokenized and saved for them. */
    public record Customer(String email, String name, String password, String cardNumber) {
    }

    /** Loading the demo data failed, or was given up because the store is stopping: what and why. */
    public static final class LoadFailed extends RuntimeException {
        LoadFailed(String message) {
            super(message);
        }
    }

    public static final List<Product> PRODUCTS = List.of(
            new Product("SKU-24642", "Trail Running Shoes",
                    "Light trail shoes with a grippy lugged sole and a rock plate, for long days on rough paths.",
                    8999, 40),
            new Product("SKU-34563", "Insulated Water Bottle",
                    "Double-walled stainless steel bottle, 750 ml; keeps drinks cold for 24 hours or hot for 12.",
                    2499, 120),
            new Product("SKU-12464", "Merino Wool Socks",
                    "Three pairs of cushioned merino hiking socks that stay warm when wet and do not smell.",
                    1895, 200),
            new Product("SKU-64233", "Ultralight Daypack",
                    "A 20 litre daypack that weighs 310 g, with a hydration sleeve and a stretch front pocket.",
                    6450, 35),
            new Product("SKU-55120", "Rechargeable Headlamp",
                    "400 lumen headlamp with a red night mode, charged over USB-C; runs 40 hours on low.",
                    3299, 60),
            new Product("SKU-71008", "Packable Rain Jacket",
                    "Waterproof, breathable three-layer shell that packs into its own chest pocket.",
                    11900, 25),
            new Product("SKU-88231", "Enamel Camp Mug",
                    "Classic 350 ml enamel steel mug for coffee by the fire; goes straight onto the stove.",
                    1250, 150),
            new Product("SKU-90412", "Trekking Poles",
                    "A pair of collapsible aluminium trekking poles with cork grips and quick flick-locks.",
                    7999, 30));

    public static final List<Customer> CUSTOMERS = List.of(
            // alice's card authorizes; bob's is the test card the processor declines (the compensation path)
            new Customer("alice@example.com", "Alice Walker", "alice-demo-password", "4242424242424242"),
            new Customer("bob@example.com", "Bob Fisher", "bob-demo-password", "4000000000000002"));

    /** The demo cards expire in December, five years from the first start. */
    private static final int CARD_EXPIRY_YEAR = java.time.Year.now().getValue() + 5;

    /** How long a step may keep failing with an answer that can change as events propagate. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final EdgeClient edge;
    private final String adminPassword;
    private final BooleanSupplier aborted;

    public DemoData(EdgeClient edge, String adminPassword, BooleanSupplier aborted) {
        this.edge = edge;
        this.adminPassword = adminPassword;
        this.aborted = aborted;
    }

    /**
     * Loads the demo data into the store over {@code dataDir} unless its {@link #MARKER} says it is
     * there; whether it loaded now.
     *
     * @throws LoadFailed if a step failed or the store is stopping
     */
    public boolean loadOnce(Path dataDir) {
        Path marker = dataDir.resolve(MARKER);
        if (Files.exists(marker)) {
            return false;
        }
        load();
        try {
            Files.writeString(marker, "demo data loaded " + Instant.now() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    /**
     * Loads the demo data (every step repeatable).
     *
     * @throws LoadFailed if a step failed or the store is stopping
     */
    public void load() {
        String admin = until("log in as " + ADMIN_EMAIL,
                () -> edge.post("/api/auth/login", Map.of("email", ADMIN_EMAIL, "password", adminPassword), null),
                r -> r.status() == 200, r -> r.status() == 401 || r.status() >= 500)
                .body().get("token").asString();
        List<String> catalogTokens = new java.util.ArrayList<>();
        for (Product product : PRODUCTS) {
            EdgeClient.Response added = until("add product " + product.sku(), () -> edge.post("/api/catalog/products",
                            Map.of("sku", product.sku(), "name", product.name(), "description", product.description(),
                                    "priceCents", product.priceCents()), admin),
                    r -> r.is2xx() || r.status() == 409, r -> r.status() >= 500);
            if (added.header("Consistency-Token") != null) {
                catalogTokens.add(added.header("Consistency-Token"));
            }
        }
        for (Product product : PRODUCTS) {
            receiveStock(product, admin);
        }
        String customerToken = null;
        for (Customer customer : CUSTOMERS) {
            String accountId = register(customer, admin);
            until("confirm " + customer.email(), () -> edge.post("/api/accounts/" + accountId + "/confirm", null, admin),
                    r -> r.is2xx() || r.status() == 409, r -> r.status() == 404 || r.status() >= 500);
            customerToken = addressAndCard(customer);
        }
        // the carts' price view learns the products from catalog.events: a cart read with the catalog's token
        // of each product waits until carts has it, so a cart takes the demo products once the store is ready
        String token = customerToken;
        for (String catalogToken : catalogTokens) {
            until("the carts know " + catalogToken, () -> edge.send("GET", "/api/cart", null, token,
                    Map.of("Consistency-Token", catalogToken)), r -> r.status() == 200, r -> r.status() >= 500);
        }
        // the listing is the views service's read model, built from catalog's and inventory's events: the
        // store is not ready before a client can find the products there, in stock
        until("list the demo products in stock", () -> edge.get("/api/catalog/products?size=100", null),
                r -> r.status() == 200 && listsInStock(r.body()), r -> true);
    }

    private static boolean listsInStock(JsonNode listing) {
        java.util.Set<String> inStock = new java.util.HashSet<>();
        for (JsonNode item : listing.path("items")) {
            if (item.path("available").asLong(0) > 0) {
                inStock.add(item.path("sku").asString(""));
            }
        }
        return PRODUCTS.stream().allMatch(product -> inStock.contains(product.sku()));
    }

    /** Gives the customer a shipping address and a saved card (tokenized by payments), as they would; their session token. */
    private String addressAndCard(Customer customer) {
        String token = until("log in as " + customer.email(), () -> edge.post("/api/auth/login",
                        Map.of("email", customer.email(), "password", customer.password()), null),
                r -> r.status() == 200, r -> r.status() == 401 || r.status() >= 500).body().get("token").asString();
        String first = customer.name().substring(0, customer.name().indexOf(' '));
        until("address of " + customer.email(), () -> edge.put("/api/accounts/me/address", Map.of("name",
                        customer.name(), "line1", "1 " + first + " Street", "line2", "", "city", "Springfield",
                        "postalCode", "12345", "country", "US"), token),
                EdgeClient.Response::is2xx, r -> r.status() == 404 || r.status() >= 500);
        JsonNode card = until("tokenize a card for " + customer.email(), () -> edge.post("/api/payments/tokens",
                        Map.of("number", customer.cardNumber(), "expMonth", 12, "expYear", CARD_EXPIRY_YEAR, "cvc", "123"),
                        token),
                r -> r.status() == 201, r -> r.status() >= 500).body();
        // accounts takes brand, last four digits and expiry from payments, never from the client
        until("save the card of " + customer.email(), () -> edge.post("/api/accounts/me/cards", Map.of(
                        "cardToken", card.get("token").asString()), token),
                r -> r.is2xx() || r.status() == 409, r -> r.status() == 404 || r.status() >= 500);
        return token;
    }

    /** Receives the product's stock unless it has some already (a repeated load must not add it twice). */
    private void receiveStock(Product product, String admin) {
        EdgeClient.Response current = edge.get("/api/inventory/" + product.sku(), admin);
        if (current.status() == 200 && current.body().path("onHand").asLong(0) > 0) {
            return;
        }
        // inventory asks the catalog for the product first: while either is still starting, 404/422/5xx
        until("receive stock for " + product.sku(), () -> edge.post("/api/inventory/" + product.sku() + "/receipts",
                        Map.of("quantity", product.stock()), admin),
                EdgeClient.Response::is2xx, r -> r.status() == 404 || r.status() == 422 || r.status() >= 500);
    }

    /** Registers as the administrator: accounts does not count an administrator's registrations against an address. */
    private String register(Customer customer, String admin) {
        EdgeClient.Response registered = until("register " + customer.email(), () -> edge.post("/api/accounts",
                        Map.of("email", customer.email(), "name", customer.name(), "password", customer.password()), admin),
                r -> r.status() == 201 || r.status() == 409, r -> r.status() >= 500);
        if (registered.status() == 201) {
            return registered.body().get("accountId").asString();
        }
        // registered by an earlier, interrupted load: find the id in the admin's list
        EdgeClient.Response list = until("list accounts", () -> edge.get("/api/accounts?size=100", admin),
                r -> r.status() == 200 && accountId(r.body(), customer.email()) != null, r -> true);
        return accountId(list.body(), customer.email());
    }

    private static String accountId(JsonNode list, String email) {
        JsonNode items = list.isArray() ? list : list.path("items");
        for (JsonNode account : items) {
            if (email.equalsIgnoreCase(account.path("email").asString(""))) {
                return account.hasNonNull("accountId") ? account.get("accountId").asString() : account.path("id").asString();
            }
        }
        return null;
    }

    /**
     * Sends {@code request} until {@code done}; an answer that is neither done nor {@code retryable}
     * fails the load at once, a retryable one fails it after {@link #PATIENCE}.
     */
    private EdgeClient.Response until(String step, Supplier<EdgeClient.Response> request,
            Predicate<EdgeClient.Response> done, Predicate<EdgeClient.Response> retryable) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        long pause = 50;
        while (true) {
            if (aborted.getAsBoolean()) {
                throw new LoadFailed("the store was stopped while it loaded the demo data");
            }
            EdgeClient.Response response = request.get();
            if (done.test(response)) {
                return response;
            }
            if (!retryable.test(response) || System.nanoTime() > deadline) {
                throw new LoadFailed("loading the demo data failed: " + step + " answered " + response);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LoadFailed("interrupted while loading the demo data");
            }
            pause = Math.min(pause * 2, 1000);
        }
    }
}
