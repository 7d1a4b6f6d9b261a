package eventshop.carts.cart;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import eventshop.carts.cart.domain.PaymentCard;
import eventshop.eventsourcing.calls.Reply;
import eventshop.eventsourcing.calls.ServiceCalls;
import eventshop.eventsourcing.calls.ServiceUnavailable;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.YearMonth;
import org.springframework.stereotype.Component;

/**
 * Asks payments, as the customer, what a checkout's card token is: {@code GET /api/payments/tokens/{token}}
 * answers the caller's own card from the card's stream (so a token tokenized a moment ago is found) and
 * 404 for an unknown token or another customer's. The answer goes on the checkout command as a
 * {@link PaymentCard}; expiry is judged by this service's clock, in UTC months. Payments giving no answer
 * is a {@link ServiceUnavailable} (503): nothing is decided, nothing stored. Thread-safe.
 */
@Component
public class PaymentCards {

    /** The part of payments' card view used here. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CardView(String token, Integer expMonth, Integer expYear) {
    }

    private final ServiceCalls calls;
    private final Clock clock;

    public PaymentCards(ServiceCalls calls, Clock clock) {
        this.calls = calls;
        this.clock = clock;
    }

    /**
     * What the calling customer's {@code cardToken} is.
     *
     * @throws ServiceUnavailable if payments gives no answer, or an answer that is neither the card nor a 404
     */
    public PaymentCard card(String cardToken) {
        Reply<CardView> reply = calls.client("payments").get("/api/payments/tokens/{token}", CardView.class, cardToken);
        if (reply.isNotFound()) {
            return new PaymentCard.NotOnFile();
        }
        CardView card = reply.body();
        if (!reply.is2xx() || card == null || !cardToken.equals(card.token()) || card.expMonth() == null
                || card.expYear() == null) {
            throw new ServiceUnavailable("payments", "answered the card check with " + reply.status() + " ("
                    + reply.detail() + ")", null);
        }
        YearMonth expiry;
        try {
            expiry = YearMonth.of(card.expYear(), card.expMonth());
        } catch (DateTimeException e) {
            throw new ServiceUnavailable("payments", "answered a card with no valid expiry", e);
        }
        return expiry.isBefore(YearMonth.now(clock.withZone(java.time.ZoneOffset.UTC)))
                ? new PaymentCard.Expired(expiry) : new PaymentCard.Usable();
    }
}
