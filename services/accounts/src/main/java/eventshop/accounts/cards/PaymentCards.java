package eventshop.accounts.cards;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import eventshop.accounts.domain.AccountErrors.UnknownCard;
import eventshop.eventsourcing.calls.Reply;
import eventshop.eventsourcing.calls.ServiceCalls;
import eventshop.eventsourcing.calls.ServiceUnavailable;
import org.springframework.stereotype.Component;

/**
 * What payments says a card token is, asked as the calling customer: {@code GET /api/payments/tokens/{token}}
 * answers the caller's own card from the card's stream (a token tokenized a moment ago is found) and 404
 * for an unknown token or another customer's. A saved card's brand, last four digits and expiry come from
 * this answer, never from the client. Payments giving no answer is a {@link ServiceUnavailable} (503):
 * nothing is decided, nothing stored. Thread-safe.
 */
@Component
public class PaymentCards {

    /** A card as payments shows it to its owner. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CardOnFile(String token, String brand, String last4, Integer expMonth, Integer expYear) {
    }

    private final ServiceCalls calls;

    public PaymentCards(ServiceCalls calls) {
        this.calls = calls;
    }

    /**
     * The calling customer's card with this token.
     *
     * @throws UnknownCard        if payments has no such card of the caller's (unknown, or another customer's)
     * @throws ServiceUnavailable if payments gives no answer, or one that is neither the card nor a refusal
     */
    public CardOnFile card(String cardToken) {
        Reply<CardOnFile> reply = calls.client("payments").get("/api/payments/tokens/{token}", CardOnFile.class,
                cardToken);
        // 404: unknown or another's; 403: the caller holds no cards at payments (an administrator); 400: not a token
        if (reply.status() == 404 || reply.status() == 403 || reply.status() == 400) {
            throw new UnknownCard();
        }
        CardOnFile card = reply.body();
        if (!reply.is2xx() || card == null || !cardToken.equals(card.token()) || card.brand() == null
                || card.last4() == null || card.expMonth() == null || card.expYear() == null) {
            throw new ServiceUnavailable("payments", "answered the card look-up with " + reply.status() + " ("
                    + reply.detail() + ")", null);
        }
        return card;
    }
}
