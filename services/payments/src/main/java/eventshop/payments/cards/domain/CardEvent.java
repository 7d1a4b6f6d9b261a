package eventshop.payments.cards.domain;

/**
 * The private events of a tokenized card, stream {@code card-<token>}. Never published (the relay's
 * {@code eventshop.relay.private-types}), and even so they hold no card number and no hash of one:
 * only what the store may show (brand, last four, expiry), whose card it is, and the processor's
 * verdict on it.
 */
public sealed interface CardEvent {

    String token();

    record CardTokenized(String token, String customerId, String brand, String last4, int expMonth, int expYear,
                         CardBehaviour behaviour) implements CardEvent {
    }
}
