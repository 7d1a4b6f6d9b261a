package eventshop.web.calls;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The shapes of the services' API answers and requests that the storefront reads and sends (DESIGN §6), as
 * the storefront sees them: its own records, since no module imports a service's code. Unknown members of an
 * answer are ignored.
 */
public final class Api {

    private Api() {
    }

    public record Product(String sku, String name, @Nullable String description, long priceCents, int available) {
    }

    public record ProductPage(List<Product> items, int page, int size, long total) {
    }

    public record Stock(String sku, int onHand, int reserved, int available) {
    }

    public record CartLine(String sku, String name, int quantity, long unitPriceCents, long lineTotalCents,
                           boolean available, @Nullable Long previousUnitPriceCents) {
    }

    public record Cart(List<CartLine> lines, long subtotalCents, long taxCents, long totalCents) {

        public static final Cart EMPTY = new Cart(List.of(), 0, 0, 0);

        public Cart {
            lines = lines == null ? List.of() : List.copyOf(lines);
        }

        /** How many items the cart holds (the badge). */
        public int itemCount() {
            return lines.stream().mapToInt(CartLine::quantity).sum();
        }

        public boolean isEmpty() {
            return lines.isEmpty();
        }
    }

    public record Quantity(int quantity) {
    }

    public record NewLine(String sku, int quantity) {
    }

    public record Address(String name, String line1, @Nullable String line2, String city, String postalCode,
                          String country) {
    }

    public record Checkout(Address shippingAddress, String cardToken) {
    }

    public record CheckoutAccepted(String orderId) {
    }

    public record CardNumber(String number, Integer expMonth, Integer expYear, String cvc) {
    }

    public record CardToken(String token, String brand, String last4) {
    }

    public record SavedCard(String cardToken, String brand, String last4, int expMonth, int expYear) {
    }

    public record Account(String accountId, String email, String name, String status, @Nullable String role,
                          List<Address> addresses, List<SavedCard> cards) {

        public Account {
            addresses = addresses == null ? List.of() : List.copyOf(addresses);
            cards = cards == null ? List.of() : List.copyOf(cards);
        }

        /** An account accounts does not know (the customer's orders then decide, as at the API). */
        public static Account unknown(String accountId, String email) {
            return new Account(accountId, email, "", "", null, List.of(), List.of());
        }

        /** SUSPENDED and ARCHIVED accounts may not shop (DESIGN §5); orders refuses them whatever the page shows. */
        public boolean mayShop() {
            return !"SUSPENDED".equals(status) && !"ARCHIVED".equals(status);
        }
    }

    public record Message(String id, String kind, String subject, String body, @Nullable String code, Instant at) {
    }

    public record Registration(String email, String name, String password) {
    }

    public record Registered(String accountId) {
    }

    public record ConfirmationCode(String code) {
    }

    public record OrderLine(String sku, @Nullable String name, int quantity, long unitPriceCents, long lineTotalCents) {
    }

    public record TimelineEntry(String status, Instant at) {
    }

    public record Order(String orderId, String status, @Nullable String cancellationReason,
                        @Nullable String cancellationDetail, List<OrderLine> lines, long subtotalCents, long taxCents,
                        long totalCents, @Nullable Address shippingAddress, List<TimelineEntry> timeline,
                        @Nullable Map<String, Object> _links) {

        public Order {
            lines = lines == null ? List.of() : List.copyOf(lines);
            timeline = timeline == null ? List.of() : List.copyOf(timeline);
        }
    }

    public record OrderSummary(String orderId, String status, @Nullable String cancellationReason, int itemCount,
                               long totalCents, Instant placedAt, Instant updatedAt) {
    }

    public record OrderPage(List<OrderSummary> items, int page, int size, long total) {
    }

    /** What a customer may know of the views' progress: records applied, and how many are still to apply. */
    public record Freshness(long applied, long lag, boolean caughtUp) {
    }

    /** An answer with nothing to read. */
    public record Nothing() {
    }
}
