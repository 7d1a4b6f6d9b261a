package eventshop.web.calls;

import eventshop.eventsourcing.calls.Reply;
import eventshop.eventsourcing.calls.ServiceCalls;
import eventshop.eventsourcing.calls.ServiceClient;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.web.calls.Api.Account;
import eventshop.web.calls.Api.Cart;
import eventshop.web.calls.Api.CardNumber;
import eventshop.web.calls.Api.CardToken;
import eventshop.web.calls.Api.Checkout;
import eventshop.web.calls.Api.CheckoutAccepted;
import eventshop.web.calls.Api.ConfirmationCode;
import eventshop.web.calls.Api.Freshness;
import eventshop.web.calls.Api.Message;
import eventshop.web.calls.Api.NewLine;
import eventshop.web.calls.Api.Nothing;
import eventshop.web.calls.Api.Order;
import eventshop.web.calls.Api.OrderPage;
import eventshop.web.calls.Api.Product;
import eventshop.web.calls.Api.ProductPage;
import eventshop.web.calls.Api.Quantity;
import eventshop.web.calls.Api.Registered;
import eventshop.web.calls.Api.Registration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The storefront's calls to the services' public APIs (DESIGN §6), each made as the customer: the services
 * token edge minted for the page's request is relayed ({@link ServiceCalls}), so every service applies its own
 * rules (another customer's order is a 404 here too). Queries return what they read and throw {@link NotFound}
 * or {@link Refused}; commands return a {@link Done} with the command's consistency token, or throw
 * {@link Refused} with the problem's words. A service that does not answer is {@code ServiceUnavailable} (a
 * 503 page). A query given a consistency token sends it, so it waits until its read model has the command.
 */
@Component
public class Shop {

    /** A command's outcome: the consistency token the next page's query should carry (null if none). */
    public record Done<T>(@Nullable T body, @Nullable String consistencyToken) {
    }

    private final ServiceCalls calls;

    public Shop(ServiceCalls calls) {
        this.calls = calls;
    }

    // ---- catalog and stock

    public ProductPage products(@Nullable String query, int page, int size, String sort) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromPath("/api/catalog/products")
                .queryParam("page", page).queryParam("size", size);
        if (query != null && !query.isBlank()) {
            uri.queryParam("q", "{q}");
        }
        if (!sort.isBlank()) {
            uri.queryParam("sort", sort);
        }
        String template = uri.build().toUriString();
        Object[] variables = query != null && !query.isBlank() ? new Object[] {query.strip()} : new Object[0];
        return read(client("views").get(template, ProductPage.class, variables), "the product list");
    }

    public Product product(String sku) {
        return read(client("catalog").get("/api/catalog/products/{sku}", Product.class, sku), "product " + sku);
    }

    public Optional<Api.Stock> stock(String sku) {
        Reply<Api.Stock> reply = client("inventory").get("/api/inventory/{sku}", Api.Stock.class, sku);
        return reply.isNotFound() ? Optional.empty() : Optional.of(read(reply, "stock of " + sku));
    }

    public Freshness listingFreshness() {
        return read(client("views").get("/api/views/freshness", Freshness.class), "the views' freshness");
    }

    // ---- cart

    public Cart cart(@Nullable String consistencyToken) {
        return read(query(client("carts"), "/api/cart", Cart.class, consistencyToken), "the cart");
    }

    public Done<Cart> addToCart(String sku, int quantity) {
        return done(client("carts").post("/api/cart/items", new NewLine(sku, quantity), Cart.class));
    }

    public Done<Cart> changeQuantity(String sku, int quantity) {
        return done(client("carts").put("/api/cart/items/{sku}", new Quantity(quantity), Cart.class, sku));
    }

    public Done<Cart> removeFromCart(String sku) {
        return done(client("carts").delete("/api/cart/items/{sku}", Cart.class, sku));
    }

    /** Checks the cart out; {@code idempotencyKey} makes a repeated form post answer the same order. */
    public Done<CheckoutAccepted> checkOut(Checkout checkout, String idempotencyKey) {
        return done(client("carts").exchange(HttpMethod.POST, "/api/cart/checkout", checkout, CheckoutAccepted.class,
                headers -> headers.set("Idempotency-Key", idempotencyKey)));
    }

    // ---- payments

    public Done<CardToken> tokenize(CardNumber card) {
        return done(client("payments").post("/api/payments/tokens", card, CardToken.class));
    }

    // ---- orders

    public Order order(String orderId, @Nullable String consistencyToken) {
        return read(query(client("orders"), "/api/orders/{id}", Order.class, consistencyToken, orderId), "order " + orderId);
    }

    public OrderPage orders(int page, @Nullable String consistencyToken) {
        return read(query(client("views"), "/api/orders?page={page}&size=20", OrderPage.class, consistencyToken, page),
                "your orders");
    }

    public Done<Nothing> cancel(String orderId) {
        return done(client("orders").post("/api/orders/{id}/cancel", null, Nothing.class, orderId));
    }

    // ---- accounts

    public Done<Registered> register(Registration registration) {
        return done(client("accounts").post("/api/accounts", registration, Registered.class));
    }

    public Account me(@Nullable String consistencyToken) {
        return read(query(client("accounts"), "/api/accounts/me", Account.class, consistencyToken), "your account");
    }

    public List<Message> mailbox(@Nullable String consistencyToken) {
        return Arrays.asList(read(query(client("accounts"), "/api/accounts/me/messages", Message[].class,
                consistencyToken), "your mailbox"));
    }

    public Done<Nothing> confirm(String code) {
        return done(client("accounts").post("/api/accounts/me/confirm", new ConfirmationCode(code), Nothing.class));
    }

    /** A new confirmation code to the caller's mailbox (the codes sent before stop working). */
    public Done<Nothing> newConfirmationCode() {
        return done(client("accounts").post("/api/accounts/me/confirmation-code", null, Nothing.class));
    }

    public Done<Nothing> changeAddress(Api.Address address) {
        return done(client("accounts").put("/api/accounts/me/address", address, Nothing.class));
    }

    public Done<Api.SavedCard> saveCard(String cardToken) {
        return done(client("accounts").post("/api/accounts/me/cards", new CardOnly(cardToken), Api.SavedCard.class));
    }

    public Done<Nothing> removeCard(String cardToken) {
        return done(client("accounts").delete("/api/accounts/me/cards/{token}", Nothing.class, cardToken));
    }

    /**
     * Forgets the caller ({@code DELETE /api/accounts/me} with the password): accounts destroys their key, so every
     * copy of their personal data becomes unreadable (docs/privacy.md), and edge ends their sessions when the
     * account's {@code AccountForgotten} reaches it.
     */
    public Done<Nothing> forgetMe(String password) {
        return done(client("accounts").exchange(HttpMethod.DELETE, "/api/accounts/me", new PasswordOnly(password),
                Nothing.class, headers -> { }));
    }

    record CardOnly(String cardToken) {
    }

    record PasswordOnly(String password) {
        @Override
        public String toString() {
            return "PasswordOnly[password=***]";
        }
    }

    // ----

    private ServiceClient client(String service) {
        return calls.client(service);
    }

    private static <T> Reply<T> query(ServiceClient client, String uri, Class<T> type, @Nullable String token,
                                      Object... variables) {
        Consumer<HttpHeaders> headers = token == null ? h -> { } : h -> h.set(ConsistencyToken.HEADER, token);
        return client.exchange(HttpMethod.GET, uri, null, type, headers, variables);
    }

    private static <T> T read(Reply<T> reply, String what) {
        return Replies.read(reply, what);
    }

    private static <T> Done<T> done(Reply<T> reply) {
        Reply<T> accepted = Replies.accepted(reply);
        return new Done<>(accepted.body(), accepted.header(ConsistencyToken.HEADER));
    }
}
