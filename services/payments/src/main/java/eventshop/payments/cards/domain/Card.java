package eventshop.payments.cards.domain;

import eventshop.eventsourcing.decider.Decider;
import eventshop.payments.cards.domain.CardErrors.CardExpired;
import eventshop.payments.cards.domain.CardErrors.InvalidCvc;
import eventshop.payments.cards.domain.CardErrors.InvalidExpiry;
import eventshop.payments.cards.domain.CardErrors.TokenTaken;
import eventshop.payments.cards.domain.CardEvent.CardTokenized;
import java.time.YearMonth;
import java.util.List;

/**
 * A tokenized card, stream {@code card-<token>}. Tokenizing happens once per token; the checks on
 * the card's details ({@link #expiry}, {@link #checkCvc}, {@link CardNumber#parse}) run before the
 * command is made, so the command, like the event, never holds the number.
 */
public final class Card {

    /** A token: {@code tok_} and 32 hex digits (what carts and orders accept as a card token). */
    public static final String TOKEN = "tok_[0-9a-f]{32}";
    /** Expiry years later than this many years from now are refused as implausible. */
    public static final int MAX_YEARS_AHEAD = 20;

    public static final Decider<Command, CardEvent, State> DECIDER = new Decider<>(new Unknown(), Card::evolve,
            Card::decide);

    private Card() {
    }

    public static String streamId(String token) {
        return "card-" + token;
    }

    public static boolean isToken(String token) {
        return token != null && token.matches(TOKEN);
    }

    public sealed interface Command {
    }

    public record Tokenize(CardOnFile card) implements Command {
    }

    public sealed interface State {
    }

    public record Unknown() implements State {
    }

    public record Tokenized(CardOnFile card) implements State {
    }

    public static State evolve(State state, CardEvent event) {
        return switch (event) {
            case CardTokenized tokenized -> new Tokenized(new CardOnFile(tokenized.token(), tokenized.customerId(),
                    tokenized.brand(), tokenized.last4(), YearMonth.of(tokenized.expYear(), tokenized.expMonth()),
                    tokenized.behaviour()));
        };
    }

    public static List<CardEvent> decide(Command command, State state) {
        return switch (command) {
            case Tokenize tokenize -> switch (state) {
                case Unknown unknown -> {
                    CardOnFile card = tokenize.card();
                    yield List.of(new CardTokenized(card.token(), card.customerId(), card.brand(), card.last4(),
                            card.expiry().getMonthValue(), card.expiry().getYear(), card.behaviour()));
                }
                case Tokenized tokenized -> throw new TokenTaken(tokenized.card().token());
            };
        };
    }

    /**
     * The expiry month of a card, checked against the current month.
     *
     * @throws InvalidExpiry if the month is not 1..12, the year not four digits or more than {@value #MAX_YEARS_AHEAD} years ahead
     * @throws CardExpired   if the month is before {@code today}'s
     */
    public static YearMonth expiry(int month, int year, YearMonth today) {
        if (month < 1 || month > 12) {
            throw new InvalidExpiry("the expiry month must be 1 to 12");
        }
        if (year < 1000) {
            throw new InvalidExpiry("the expiry year must have four digits");
        }
        if (year > today.getYear() + MAX_YEARS_AHEAD) {
            throw new InvalidExpiry("the expiry year must be at most " + MAX_YEARS_AHEAD + " years ahead");
        }
        if (YearMonth.of(year, month).isBefore(today)) {
            throw new CardExpired();
        }
        return YearMonth.of(year, month);
    }

    /**
     * A card verification code is 3 or 4 digits. It is checked and forgotten: never stored.
     *
     * @throws InvalidCvc otherwise
     */
    public static void checkCvc(String cvc) {
        if (cvc == null || !cvc.matches("[0-9]{3,4}")) {
            throw new InvalidCvc();
        }
    }
}
