package eventshop.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Matching orders' status events to the run's accepted orders ({@link Outcomes}). */
class OutcomesTest {

    private static final Instant T = Instant.parse("2026-12-06T12:00:00Z");

    private final Outcomes outcomes = new Outcomes();

    private static Outcomes.StatusEvent event(String orderId, String type, String reason, long afterMs, long position) {
        return new Outcomes.StatusEvent(orderId, type, reason, T.plusMillis(afterMs), position, "order-" + orderId);
    }

    @Test
    void statusEventsOfOtherOrdersAreIgnored_andDoNotCountAsOutcomes() {
        // given one accepted order
        outcomes.accepted("a", T, Duration.ofMillis(3));

        // when the topic carries its confirmation and another client's orders' events
        outcomes.on(event("other-1", Outcomes.CONFIRMED, null, 50, 10));
        outcomes.on(event("a", Outcomes.CONFIRMED, null, 80, 11));
        outcomes.on(event("other-2", Outcomes.CANCELLED, "OUT_OF_STOCK", 90, 12));

        // then only ours counts
        assertThat(outcomes.counts()).isEqualTo(Map.of("CONFIRMED", 1));
        assertThat(outcomes.ignored()).isEqualTo(2);
        assertThat(outcomes.results()).singleElement().satisfies(result -> {
            assertThat(result.toConfirmed()).isEqualTo(Duration.ofMillis(80));
            assertThat(result.intendedToAccepted()).isEqualTo(Duration.ofMillis(3));
        });
    }

    @Test
    void aStatusDeliveredTwice_countsOnce_andTheFirstTimestampStands() {
        // given an accepted order
        outcomes.accepted("a", T, Duration.ZERO);

        // when the relay publishes its confirmation twice (at least once), and a cancellation twice for another
        outcomes.accepted("b", T, Duration.ZERO);
        outcomes.on(event("a", Outcomes.CONFIRMED, null, 40, 7));
        outcomes.on(event("a", Outcomes.CONFIRMED, null, 40, 7));
        outcomes.on(event("b", Outcomes.CANCELLED, "PAYMENT_DECLINED", 60, 9));
        outcomes.on(event("b", Outcomes.CANCELLED, "PAYMENT_DECLINED", 60, 9));

        // then each counts once
        assertThat(outcomes.counts()).isEqualTo(Map.of("CONFIRMED", 1, "CANCELLED PAYMENT_DECLINED", 1));
        assertThat(outcomes.duplicates()).isEqualTo(2);
        assertThat(outcomes.results()).hasSize(2);
    }

    @Test
    void anEventThatOvertakesIts202_isClaimedWhenTheOrderIsAccepted() {
        // given the confirmation arrives before the client has read the checkout's 202
        outcomes.on(event("a", Outcomes.CONFIRMED, null, 30, 5));
        assertThat(outcomes.ignored()).isEqualTo(1);

        // when the 202 is read
        outcomes.accepted("a", T, Duration.ZERO);

        // then the order is confirmed, and nothing is left ignored
        assertThat(outcomes.counts()).isEqualTo(Map.of("CONFIRMED", 1));
        assertThat(outcomes.ignored()).isZero();
    }

    @Test
    void ordersWithoutAnOutcomeShowAsNone_andTheRunIsNotSettled() {
        // given two accepted orders, one confirmed and one never heard of again
        outcomes.accepted("a", T, Duration.ZERO);
        outcomes.accepted("b", T, Duration.ZERO);
        outcomes.on(event("a", Outcomes.CONFIRMED, null, 30, 5));
        outcomes.visible(5, T.plusMillis(45));

        // then
        assertThat(outcomes.counts()).isEqualTo(Map.of("CONFIRMED", 1, "NONE", 1));
        assertThat(outcomes.settled()).isFalse();
    }

    @Test
    void theViewsShowingAPosition_makesEveryConfirmationUpToItVisible_andTheNewestWaitingIsProbedNext() throws Exception {
        // given three confirmed orders at positions 5, 9 and 14, and one placed but not confirmed
        for (String id : new String[] {"a", "b", "c", "d"}) {
            outcomes.accepted(id, T, Duration.ZERO);
        }
        outcomes.on(event("a", Outcomes.CONFIRMED, null, 10, 5));
        outcomes.on(event("b", Outcomes.CONFIRMED, null, 20, 9));
        outcomes.on(event("c", Outcomes.CONFIRMED, null, 30, 14));
        assertThat(outcomes.awaitPending(Duration.ZERO)).contains(new Outcomes.Pending(14, "order-c"));

        // when the views answer a query that waited for position 9
        outcomes.visible(9, T.plusMillis(50));

        // then a and b are visible then, c is still waited for
        assertThat(outcomes.results()).extracting(Outcomes.Result::toVisible)
                .containsExactly(Duration.ofMillis(50), Duration.ofMillis(50), null, null);
        assertThat(outcomes.awaitPending(Duration.ZERO)).contains(new Outcomes.Pending(14, "order-c"));

        // and once c is visible and d cancelled, the run is settled with nothing left to probe
        outcomes.visible(14, T.plusMillis(60));
        outcomes.on(event("d", Outcomes.CANCELLED, "TIMED_OUT", 70, 20));
        assertThat(outcomes.settled()).isTrue();
        assertThat(outcomes.awaitPending(Duration.ZERO)).isEmpty();
    }

    @Test
    void aCancellationAfterTheConfirmation_leavesTheOutcomeConfirmed_andIsCounted() {
        outcomes.accepted("a", T, Duration.ZERO);
        outcomes.on(event("a", Outcomes.CONFIRMED, null, 10, 5));
        outcomes.on(event("a", Outcomes.DELIVERED, null, 300, 8));
        outcomes.on(event("a", Outcomes.CANCELLED, "CUSTOMER_CANCELLED", 400, 9));

        assertThat(outcomes.counts()).isEqualTo(Map.of("CONFIRMED", 1));
        assertThat(outcomes.cancelledAfterConfirmed()).isEqualTo(1);
        assertThat(outcomes.results().getFirst().delivered()).isTrue();
    }

    @Test
    void otherStatusEvents_areNotLookedAt() {
        outcomes.accepted("a", T, Duration.ZERO);
        outcomes.on(event("a", "OrderPlaced", null, 1, 1));
        outcomes.on(event("a", "OrderStockReserved", null, 2, 2));

        assertThat(outcomes.counts()).isEqualTo(Map.of("NONE", 1));
        assertThat(outcomes.duplicates()).isZero();
    }
}
