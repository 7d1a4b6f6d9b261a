package eventshop.carts.cart;

import eventshop.carts.cart.domain.Cart;
import eventshop.carts.cart.domain.Pricing.PricedCart;
import eventshop.contracts.Address;
import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.ReadModelProgress;
import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.consuming.ConsumerProgress;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.Correlation;
import eventshop.eventsourcing.resources.EventLog;
import eventshop.eventsourcing.resources.Resource;
import eventshop.eventsourcing.privacy.Sealing;
import eventshop.eventsourcing.security.EdgeUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.hateoas.EntityModel;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/cart}: the caller's own cart ({@code cart-<EdgeUser.id()>}), for customers only.
 * Every command answers with the cart as it is now (checkout: the order id) and a
 * {@code Consistency-Token} header. The queries accept that token and are always consistent with
 * it: the cart is folded from its event stream on every request, there is no read model to lag. The
 * cart's prices come from the catalog's events, so they also accept a {@code catalog:} token (a price
 * change's): they wait (bounded, then 503) until the price consumer has processed it; likewise the
 * tokens of any other service whose events carts consumes (orders', once carts reads orders.events).
 * Quantities are checked by the cart itself (422 {@code invalid-quantity}); malformed bodies and
 * over-long or ill-formed strings are 400 problems. The cart links itself, its events and the commands it allows
 * now (HAL {@code _links}): an empty one {@code add-item} only.
 */
@RestController
@RequestMapping("/api/cart")
public class CartController {

    /** Sku as the catalog writes them. */
    public static final String SKU = "[A-Z0-9-]{1,40}";
    /**
     * Optional header of a checkout: a retry with the same key and body answers the same order instead
     * of a conflict (1-100 of {@code A-Z a-z 0-9 . _ : -}).
     */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Where the caller's cart is. */
    static final String CART = "/api/cart";
    /** A card token as payments issues them. */
    public static final String CARD_TOKEN = "tok_[A-Za-z0-9]{8,96}";

    private final Carts carts;
    private final PaymentCards cards;
    private final CommandContexts contexts;
    private final EventLog eventLog;
    private final ReadYourWrites readYourWrites;
    /** The cart's own stream (always current for carts' tokens) and what carts consumes of other services. */
    private final ReadModelProgress cartView;
    private final Sealing sealing;

    public CartController(Carts carts, PaymentCards cards, CommandContexts contexts, EventLog eventLog,
                          ReadYourWrites readYourWrites, ConsumerProgress consumed, EventSourcingProperties service,
                          Sealing sealing) {
        this.sealing = sealing;
        this.carts = carts;
        this.cards = cards;
        this.contexts = contexts;
        this.eventLog = eventLog;
        this.readYourWrites = readYourWrites;
        this.cartView = ReadModelProgress.anyOf("cart", ReadModelProgress.current("cart", service.serviceName()),
                consumed.readModel("cart", "catalog", "orders"));
    }

    // ---- bodies and views

    public record AddItemRequest(@NotNull @Pattern(regexp = SKU) String sku, @NotNull Integer quantity) {
    }

    public record ChangeQuantityRequest(@NotNull Integer quantity) {
    }

    public record ShippingAddress(@NotBlank @Size(max = 200) String name, @NotBlank @Size(max = 200) String line1,
                                  @Size(max = 200) String line2, @NotBlank @Size(max = 100) String city,
                                  @NotBlank @Size(max = 20) String postalCode, @NotBlank @Size(max = 60) String country) {

        Address toAddress() {
            return new Address(name.strip(), line1.strip(), line2 == null ? "" : line2.strip(), city.strip(),
                    postalCode.strip(), country.strip());
        }
    }

    public record CheckoutRequest(@NotNull @Valid ShippingAddress shippingAddress,
                                  @NotBlank @Size(max = 100) @Pattern(regexp = CARD_TOKEN) String cardToken) {
    }

    public record CheckoutAccepted(String orderId) {
    }

    /**
     * {@code available} is false for a line whose product was discontinued (it counts in no total, checkout
     * would be refused, and it can be lowered or removed but not raised); {@code previousUnitPriceCents} is
     * the unit price when the line was added if the price has changed since, else null.
     */
    public record LineView(String sku, String name, int quantity, long unitPriceCents, long lineTotalCents,
                           boolean available, Long previousUnitPriceCents) {
    }

    /** The totals count the available lines only. */
    public record CartView(List<LineView> lines, long subtotalCents, long taxCents, long totalCents) {

        static CartView of(PricedCart cart) {
            return new CartView(cart.lines().stream().map(line -> new LineView(line.sku(), line.name(), line.quantity(),
                            line.unitPriceCents(), line.lineTotalCents(), line.available(),
                            line.previousUnitPriceCents())).toList(),
                    cart.subtotalCents(), cart.taxCents(), cart.totalCents());
        }
    }

    // ---- queries

    @GetMapping
    @PreAuthorize("hasRole('CUSTOMER')")
    public EntityModel<CartView> cart(EdgeUser user,
                                      @Nullable ConsistencyToken token) {
        acceptToken(token);
        return resource(carts.view(user.id()));
    }

    /** The cart's event log, oldest first, {@code limit} events from {@code fromVersion}. */
    @GetMapping("/events")
    @PreAuthorize("hasRole('CUSTOMER')")
    public List<EventLog.Entry> events(EdgeUser user,
                                       @Nullable ConsistencyToken token,
                                       @RequestParam(defaultValue = "0") @Min(0) long fromVersion,
                                       @RequestParam(defaultValue = "1000") @Min(1) @Max(EventLog.MAX_LIMIT) int limit) {
        acceptToken(token);
        return eventLog.read(Carts.streamOf(user.id()), fromVersion, limit);
    }

    // ---- commands

    @PostMapping("/items")
    @PreAuthorize("hasRole('CUSTOMER')")
    public ResponseEntity<EntityModel<CartView>> add(EdgeUser user, @Valid @RequestBody AddItemRequest body,
                                        Correlation correlation) {
        return respond(carts.add(user.id(), body.sku(), body.quantity(), context(user, correlation)));
    }

    @PutMapping("/items/{sku}")
    @PreAuthorize("hasRole('CUSTOMER')")
    public ResponseEntity<EntityModel<CartView>> changeQuantity(EdgeUser user, @PathVariable @Pattern(regexp = SKU) String sku,
                                                   @Valid @RequestBody ChangeQuantityRequest body,
                                                   Correlation correlation) {
        return respond(carts.changeQuantity(user.id(), sku, body.quantity(), context(user, correlation)));
    }

    @DeleteMapping("/items/{sku}")
    @PreAuthorize("hasRole('CUSTOMER')")
    public ResponseEntity<EntityModel<CartView>> remove(EdgeUser user, @PathVariable @Pattern(regexp = SKU) String sku,
                                           Correlation correlation) {
        return respond(carts.remove(user.id(), sku, context(user, correlation)));
    }

    @DeleteMapping
    @PreAuthorize("hasRole('CUSTOMER')")
    public ResponseEntity<EntityModel<CartView>> clear(EdgeUser user,
                                          Correlation correlation) {
        return respond(carts.clear(user.id(), context(user, correlation)));
    }

    /**
     * 202: the order is placed asynchronously from the {@code CartCheckedOut} event; its id answers.
     * The card token is checked with payments first, as the customer: not one of their cards is 422
     * {@code unknown-card}, an expired one 422 {@code card-expired}, payments not answering 503
     * {@code service-unavailable}; none stores anything. With an {@value #IDEMPOTENCY_KEY} header,
     * repeating the request answers the same order id while the cart has not changed since; the key
     * with another body, or after the cart changed, is 422 {@code idempotency-key-reused}.
     */
    @PostMapping("/checkout")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @PreAuthorize("hasRole('CUSTOMER')")
    public ResponseEntity<CheckoutAccepted> checkOut(EdgeUser user, @Valid @RequestBody CheckoutRequest body,
                                                     Correlation correlation,
                                                     @RequestHeader(name = IDEMPOTENCY_KEY, required = false)
                                                     @Pattern(regexp = "[A-Za-z0-9._:-]{1,100}") String idempotencyKey) {
        // personal data is sealed for the customer before the cart sees it (docs/privacy.md); with an idempotency key
        // deterministically, so that the same request repeated is recognised as the same
        String sealedFor = idempotencyKey == null ? null : "checkout/" + idempotencyKey;
        String email = user.email().isEmpty() || Sealing.isSealed(user.email()) ? user.email()
                : sealing.seal(user.id(), user.email(), sealedFor);
        Carts.CheckedOut checkedOut = carts.checkOut(user.id(), email,
                sealing.seal(user.id(), body.shippingAddress().toAddress(), sealedFor),
                body.cardToken(), cards.card(body.cardToken()), idempotencyKey, context(user, correlation));
        return ResponseEntity.accepted().location(URI.create("/api/orders/" + checkedOut.orderId()))
                .header(ConsistencyToken.HEADER, checkedOut.token().toString())
                .body(new CheckoutAccepted(checkedOut.orderId()));
    }

    // ----

    private CommandContext context(EdgeUser user, Correlation correlation) {
        return contexts.create(user.id(), correlation.id());
    }

    private static ResponseEntity<EntityModel<CartView>> respond(Carts.Outcome outcome) {
        return ResponseEntity.ok().header(ConsistencyToken.HEADER, outcome.token().toString())
                .body(resource(outcome.cart()));
    }

    /**
     * The cart with its links: itself, its events, and the commands {@link PricedCart#actions()} allows now. A
     * line's change and removal are one templated link each ({@code /api/cart/items/{sku}}: PUT, DELETE).
     */
    static EntityModel<CartView> resource(PricedCart cart) {
        Resource<CartView> resource = Resource.of(CartView.of(cart), CART).events(CART + "/events");
        for (Cart.Action action : cart.actions()) {
            switch (action) {
                case ADD_ITEM -> resource.link("add-item", CART + "/items");
                case CHANGE_QUANTITY -> resource.link("change-quantity", CART + "/items/{sku}");
                case REMOVE_ITEM -> resource.link("remove-item", CART + "/items/{sku}");
                case CLEAR -> resource.link("clear", CART);
                case CHECK_OUT -> resource.link("checkout", CART + "/checkout");
            }
        }
        return resource.model();
    }

    /**
     * A carts token is satisfied already (the cart is read from its stream); one of a service whose
     * events carts consumes waits for that consumer; others and malformed ones are a 400.
     */
    private void acceptToken(@Nullable ConsistencyToken token) {
        readYourWrites.await(cartView, token);
    }
}
