package eventshop.payments.cards;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.CommandResult;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.ops.OpsAggregate;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import eventshop.payments.cards.domain.Card;
import eventshop.payments.cards.domain.CardEvent;
import eventshop.payments.cards.domain.CardNumber;
import eventshop.payments.cards.domain.CardOnFile;
import eventshop.payments.cards.domain.SimulatedProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.YearMonth;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Tokenizes cards and finds them again by token. The number is checked, shown to the simulated
 * processor once, and dropped: what is stored (private stream {@code card-<token>}) is the owner,
 * brand, last four, expiry and the processor's verdict. Thread-safe.
 */
@Component
public class Cards {

    private static final Logger LOG = LoggerFactory.getLogger(Cards.class);

    /** A card just tokenized, and the token of the command that stored it. */
    public record Tokenized(CardOnFile card, ConsistencyToken token) {
    }

    private static final JsonEventCodec<CardEvent> CODEC = JsonEventCodec.of(CardEvent.class);

    private final CommandHandler<Card.Command, CardEvent, Card.State> handler;
    private final EventStore store;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final MeterRegistry registry;

    public Cards(EventStore store, Clock clock, Supplier<UUID> ids, MeterRegistry registry,
                 @Value("${eventshop.service-name:payments}") String serviceName) {
        this.handler = CommandHandler.builder(serviceName, store, Card.DECIDER, JsonEventCodec.of(CardEvent.class))
                .clock(clock)
                .ids(ids)
                .build();
        this.store = store;
        this.clock = clock;
        this.ids = ids;
        this.registry = registry;
    }

    /** A tokenized card, for the operations console's stream view and its time travel. */
    public OpsAggregate opsAggregate() {
        return new OpsAggregate("card", Card.streamId(""), handler);
    }

    /**
     * Checks a card's details and stores its token.
     *
     * @throws eventshop.payments.cards.domain.CardErrors.InvalidCardNumber not 12..19 digits, or a wrong check digit
     * @throws eventshop.payments.cards.domain.CardErrors.InvalidExpiry month not 1..12, implausible year
     * @throws eventshop.payments.cards.domain.CardErrors.CardExpired expiry month in the past
     * @throws eventshop.payments.cards.domain.CardErrors.InvalidCvc not 3 or 4 digits
     */
    public Tokenized tokenize(String customerId, String number, int expMonth, int expYear, String cvc,
                              CommandContext context) {
        CardNumber parsed = CardNumber.parse(number);
        YearMonth expiry = Card.expiry(expMonth, expYear, YearMonth.now(clock));
        Card.checkCvc(cvc);
        String token = "tok_" + ids.get().toString().replace("-", "").toLowerCase(Locale.ROOT);
        CardOnFile card = new CardOnFile(token, customerId, parsed.brand(), parsed.last4(), expiry,
                SimulatedProcessor.behaviourOf(parsed));
        CommandResult<CardEvent> result = handler.handle(Card.streamId(token), new Card.Tokenize(card), context);
        registry.counter("payments.cards.tokenized", "brand", card.brand()).increment();
        LOG.info("tokenized a {} card ending {} for customer {} as {}", card.brand(), card.last4(), customerId, token);
        return new Tokenized(card, result.token());
    }

    /** The card behind a token; empty for a malformed or unknown token. */
    public Optional<CardOnFile> find(String token) {
        if (!Card.isToken(token)) {
            return Optional.empty();
        }
        return switch (handler.load(Card.streamId(token)).state()) {
            case Card.Unknown unknown -> Optional.empty();
            case Card.Tokenized tokenized -> Optional.of(tokenized.card());
        };
    }

    /**
     * One of a customer's cards as its owner sees it, read from the card's own stream, so a card is
     * found the moment its tokenization returned (what other services check a token against); empty
     * for a malformed or unknown token and for another customer's card.
     */
    public Optional<CardTokens.TokenView> ownedBy(String customerId, String token) {
        if (!Card.isToken(token)) {
            return Optional.empty();
        }
        RecordedEvent tokenized = store.read(Card.streamId(token), 0).take(1).blockFirst();
        if (tokenized == null) {
            return Optional.empty();
        }
        return switch (CODEC.deserialize(tokenized.type(), tokenized.data(), tokenized.metadata().schemaVersion())) {
            case CardEvent.CardTokenized card -> card.customerId().equals(customerId)
                    ? Optional.of(new CardTokens.TokenView(card.token(), card.brand(), card.last4(), card.expMonth(),
                    card.expYear(), tokenized.metadata().timestamp()))
                    : Optional.empty();
        };
    }
}
