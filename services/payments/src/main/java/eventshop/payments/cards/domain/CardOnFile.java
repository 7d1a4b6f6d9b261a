package eventshop.payments.cards.domain;

import java.time.YearMonth;

/** A tokenized card as payments decides with it: whose it is, what to show, when it expires, how it behaves. */
public record CardOnFile(String token, String customerId, String brand, String last4, YearMonth expiry,
                         CardBehaviour behaviour) {

    /** A card is good through the last day of its expiry month. */
    public boolean expiredIn(YearMonth month) {
        return expiry.isBefore(month);
    }

    public boolean belongsTo(String customerId) {
        return this.customerId.equals(customerId);
    }
}
