package eventshop.payments.cards;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.relay.RelayRoutes;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PrivateCardsTest {

    static RecordedEvent event(String streamId, String type) {
        return new RecordedEvent(UUID.randomUUID(), streamId, 0, 0, type, "{}".getBytes(), Metadata.EMPTY);
    }

    @Test
    void cardStreams_areNeverPublished_whateverTheType() {
        assertThat(PrivateCards.route(event("card-tok_0123456789abcdef0123456789abcdef", "CardTokenized")))
                .isEqualTo(RelayRoutes.Route.skip());
        assertThat(PrivateCards.route(event("card-tok_0123456789abcdef0123456789abcdef", "CardRemoved")))
                .isEqualTo(RelayRoutes.Route.skip());
    }

    @Test
    void paymentStreams_goToPaymentsEvents_asStored() {
        assertThat(PrivateCards.route(event("payment-order-1", "PaymentAuthorized")))
                .isEqualTo(RelayRoutes.Route.events());
    }
}
