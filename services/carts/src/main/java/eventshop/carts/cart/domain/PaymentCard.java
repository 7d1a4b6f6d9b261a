package eventshop.carts.cart.domain;

import java.time.YearMonth;

/**
 * What payments says of the card token a checkout names, as the application layer asked it (on the
 * command, so deciding stays pure): the customer's own card, usable or expired, or no card of theirs.
 */
public sealed interface PaymentCard {

    /** The customer's card, valid this month. */
    record Usable() implements PaymentCard {
    }

    /** The customer's card, expired at the end of {@code expiry}. */
    record Expired(YearMonth expiry) implements PaymentCard {
    }

    /** Payments has no such token, or it is another customer's (payments does not say which). */
    record NotOnFile() implements PaymentCard {
    }
}
