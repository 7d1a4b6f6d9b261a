package eventshop.edge.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.edge.EdgeProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The limit on checkouts in flight, on a clock the test moves: what is admitted and refused, and how settle times,
 * late and timed-out orders, carts' refusals and lost settlements move the limit.
 */
class CheckoutAdmissionTest {

    static final EdgeProperties.Admission SETTINGS = new EdgeProperties.Admission(true, 8, 4, 100,
            Duration.ofSeconds(3), 0.75, Duration.ofSeconds(30), Duration.ofSeconds(2));

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final CheckoutAdmission admission = new CheckoutAdmission(SETTINGS, registry, nanos::get);
    final AtomicInteger forwarded = new AtomicInteger();
    final HandlerFilterFunction<ServerResponse, ServerResponse> filter = admission.limitCheckouts();

    /** carts' answer to a checkout: 202 with the order's Location, o-1, o-2, ... */
    final HandlerFunction<ServerResponse> carts = request -> ServerResponse.accepted()
            .location(URI.create("/api/orders/o-" + forwarded.incrementAndGet())).build();

    @Test
    void admitsUpToTheLimit_thenRefusesAtOnce_with503Overloaded_withoutForwarding() throws Exception {
        for (int i = 1; i <= 8; i++) {
            assertThat(checkout(carts).statusCode()).isEqualTo(HttpStatus.ACCEPTED);
        }

        ServerResponse refused = checkout(carts);

        assertThat(refused.statusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(refused.headers().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
        assertThat(refused.headers().getContentType()).hasToString("application/problem+json");
        assertThat(forwarded).hasValue(8);
        assertThat(admission.inFlight()).isEqualTo(8);
        assertThat(registry.get("edge.checkouts.refused").counter().count()).isEqualTo(1);
    }

    @Test
    void anOrderSettled_givesItsPlaceBack() throws Exception {
        fill();

        admission.settled("o-3", false);

        assertThat(admission.inFlight()).isEqualTo(7);
        assertThat(checkout(carts).statusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(forwarded).hasValue(9);
    }

    @Test
    void ordersSettlingInTime_whileTheLimitIsInUse_raiseIt() throws Exception {
        fill();
        after(Duration.ofMillis(200));

        for (int i = 1; i <= 8; i++) {
            admission.settled("o-" + i, false);
        }

        // the first three were admitted with the limit less than half in use: they tell nothing about more
        assertThat(admission.limit()).isEqualTo(8 + 5);
        assertThat(registry.get("edge.checkouts.settle").timer().count()).isEqualTo(8);
        assertThat(registry.get("edge.checkouts.settle").timer().max(TimeUnit.MILLISECONDS)).isEqualTo(200);
    }

    @Test
    void ordersSettlingLate_lowerTheLimitOnce_forAllThatWereInFlightTogether() throws Exception {
        fill();
        after(Duration.ofSeconds(4));

        for (int i = 1; i <= 8; i++) {
            admission.settled("o-" + i, false);
        }

        // judged when the first window (5) is full: 8 x 0.75 once, not once per window nor per order
        assertThat(admission.limit()).isEqualTo(6);
    }

    @Test
    void lateOrdersAdmittedAfterADecrease_lowerItAgain_downToTheFloor() throws Exception {
        for (int round = 0; round < 5; round++) {
            int first = forwarded.get() + 1;
            fill();
            after(Duration.ofSeconds(4));
            for (int i = first; i <= forwarded.get(); i++) {
                admission.settled("o-" + i, false);
            }
        }

        assertThat(admission.limit()).isEqualTo(4); // 8 -> 6 -> 4, and never below min-limit
    }

    @ParameterizedTest
    @CsvSource({"2, 40", "3, 30"})
    void aTenthOfAWindowLate_isTheTail_moreIsAQueue(int late, int limitAfter) throws Exception {
        CheckoutAdmission wide = new CheckoutAdmission(new EdgeProperties.Admission(true, 40, 4, 100,
                Duration.ofSeconds(3), 0.75, Duration.ofSeconds(30), Duration.ofSeconds(2)), registry, nanos::get);
        HandlerFilterFunction<ServerResponse, ServerResponse> limiting = wide.limitCheckouts();
        for (int i = 1; i <= 20; i++) { // a window of 20 (half the limit), all admitted with the limit less than half used
            limiting.filter(request(), carts);
        }
        after(Duration.ofMillis(200));
        for (int i = 1; i <= 20 - late; i++) {
            wide.settled("o-" + i, false);
        }
        after(Duration.ofSeconds(4));

        for (int i = 20 - late + 1; i <= 20; i++) {
            wide.settled("o-" + i, false);
        }

        assertThat(wide.limit()).isEqualTo(limitAfter);
    }

    @Test
    void aTenthOfAWindowLate_lowersTheLimit_andAnOrderTimedOut_isLate_whateverItsTime() throws Exception {
        fill();
        after(Duration.ofMillis(200));

        admission.settled("o-1", true); // TIMED_OUT, in 200 ms
        for (int i = 2; i <= 5; i++) {
            admission.settled("o-" + i, false);
        }

        assertThat(admission.limit()).isEqualTo(6); // 1 of a window of 5: more than a tenth
    }

    @Test
    void aCheckoutCartsRefuses_leavesAtOnce_andDoesNotMoveTheLimit() throws Exception {
        HandlerFunction<ServerResponse> refusing = request -> ServerResponse.unprocessableEntity().build();

        for (int i = 0; i < 20; i++) {
            assertThat(checkout(refusing).statusCode().value()).isEqualTo(422);
        }

        assertThat(admission.inFlight()).isZero();
        assertThat(admission.limit()).isEqualTo(8);
    }

    @Test
    void aCheckoutWithoutAnAnswerInTime_orWhoseCallFailed_countsAsLate() throws Exception {
        for (int i = 0; i < 3; i++) {
            checkout(request -> ServerResponse.status(HttpStatus.GATEWAY_TIMEOUT).build());
        }
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> checkout(request -> {
                throw new IOException("connection reset");
            })).isInstanceOf(IOException.class);
        }

        assertThat(admission.limit()).isEqualTo(6);
        assertThat(admission.inFlight()).isZero();
    }

    @Test
    void aCheckoutWhoseSettlementNeverComes_isGivenUp_afterGiveUpAfter_asLate() throws Exception {
        fill();
        after(Duration.ofSeconds(31));

        ServerResponse next = checkout(carts); // the sweep runs before the next admission

        assertThat(next.statusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(admission.inFlight()).isEqualTo(1);
        assertThat(admission.limit()).isEqualTo(6);
        assertThat(registry.get("edge.checkouts.given.up").counter().count()).isEqualTo(8);
        admission.settled("o-1", false); // given up: its settlement later changes nothing
        assertThat(admission.inFlight()).isEqualTo(1);
    }

    @Test
    void anOrderSettledBeforeCartsAnswerWasHandled_isSettledWhenItIs() throws Exception {
        admission.settled("o-1", false);

        checkout(carts);

        assertThat(admission.inFlight()).isZero();
        assertThat(registry.get("edge.checkouts.settle").timer().count()).isEqualTo(1);
    }

    @Test
    void aSecondSettlement_andOrdersThisEdgeDidNotAdmit_changeNothing() throws Exception {
        checkout(carts);
        checkout(carts);
        admission.settled("o-1", false);

        admission.settled("o-1", true); // cancelled after it was confirmed
        admission.settled("someone-elses", false);

        assertThat(admission.inFlight()).isEqualTo(1);
        assertThat(admission.limit()).isEqualTo(8);
    }

    @Test
    void theSameOrderAnsweredTwice_holdsOnePlace() throws Exception {
        HandlerFunction<ServerResponse> sameOrder = request -> ServerResponse.accepted()
                .location(URI.create("/api/orders/o-idem")).build();

        checkout(sameOrder);
        checkout(sameOrder); // a retry with the checkout's Idempotency-Key

        assertThat(admission.inFlight()).isEqualTo(1);
        admission.settled("o-idem", false);
        assertThat(admission.inFlight()).isZero();
    }

    @Test
    void aCheckoutRetriedAfterItsOrderSettled_leavesAtOnce_insteadOfWaitingToBeGivenUp() throws Exception {
        HandlerFunction<ServerResponse> sameOrder = request -> ServerResponse.accepted()
                .location(URI.create("/api/orders/o-idem")).build();
        checkout(sameOrder);
        admission.settled("o-idem", false);

        checkout(sameOrder); // the client lost the first answer and retried with its Idempotency-Key
        checkout(sameOrder);

        assertThat(admission.inFlight()).isZero();
    }

    @Test
    void theStorefrontsRedirectToTheOrdersPage_namesTheOrderToo() throws Exception {
        checkout(request -> ServerResponse.status(HttpStatus.FOUND)
                .location(URI.create("/orders/o-page?ct=carts%3A43")).build());
        checkout(request -> ServerResponse.status(HttpStatus.FOUND).location(URI.create("/login?next=/checkout")).build());

        assertThat(admission.inFlight()).isEqualTo(1);
        assertThat(admission.holds("o-page")).isTrue();
    }

    @Test
    void aSuccessWithoutAnOrdersLocation_leavesAtOnce() throws Exception {
        checkout(request -> ServerResponse.accepted().build());
        checkout(request -> ServerResponse.accepted().location(URI.create("/elsewhere/o-1")).build());

        assertThat(admission.inFlight()).isZero();
    }

    @Test
    void disabled_forwardsEverything_andCountsNothing() throws Exception {
        CheckoutAdmission off = new CheckoutAdmission(new EdgeProperties.Admission(false, 8, 4, 100,
                Duration.ofSeconds(3), 0.75, Duration.ofSeconds(30), Duration.ofSeconds(2)),
                new SimpleMeterRegistry(), nanos::get);

        for (int i = 0; i < 50; i++) {
            assertThat(off.limitCheckouts().filter(request(), carts).statusCode()).isEqualTo(HttpStatus.ACCEPTED);
        }
        assertThat(off.inFlight()).isZero();
    }

    @Test
    void impossibleSettings_areRefusedAtStart() {
        assertThatThrownBy(() -> new SettleTimeLimit(8, 10, 100, Duration.ofSeconds(3), 0.75))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min");
        assertThatThrownBy(() -> new SettleTimeLimit(8, 4, 100, Duration.ofSeconds(3), 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoff");
        assertThatThrownBy(() -> new SettleTimeLimit(8, 4, 100, Duration.ZERO, 0.75))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target");
    }

    // ----

    private void fill() throws Exception {
        while (admission.inFlight() < admission.limit()) {
            assertThat(checkout(carts).statusCode()).isEqualTo(HttpStatus.ACCEPTED);
        }
    }

    private ServerResponse checkout(HandlerFunction<ServerResponse> next) throws Exception {
        return filter.filter(request(), next);
    }

    private static ServerRequest request() {
        return ServerRequest.create(new MockHttpServletRequest("POST", "/api/cart/checkout"), List.of());
    }

    private void after(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
