package eventshop.payments.payment.domain;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.payments.PaymentEvent;
import eventshop.contracts.payments.PaymentEvent.DeclineReason;
import eventshop.contracts.payments.PaymentEvent.PaymentAuthorized;
import eventshop.contracts.payments.PaymentEvent.PaymentCaptured;
import eventshop.contracts.payments.PaymentEvent.PaymentCommandRejected;
import eventshop.contracts.payments.PaymentEvent.PaymentDeclined;
import eventshop.contracts.payments.PaymentEvent.PaymentRefunded;
import eventshop.contracts.payments.PaymentEvent.PaymentVoided;
import eventshop.eventsourcing.testing.DeciderFixture;
import eventshop.payments.cards.domain.CardBehaviour;
import eventshop.payments.cards.domain.CardOnFile;
import eventshop.payments.payment.domain.Payment.Authorize;
import eventshop.payments.payment.domain.Payment.Capture;
import eventshop.payments.payment.domain.Payment.Command;
import eventshop.payments.payment.domain.Payment.Refund;
import eventshop.payments.payment.domain.Payment.State;
import eventshop.payments.payment.domain.Payment.VoidAuthorization;
import java.time.YearMonth;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PaymentTest {

    static final String ORDER = "order-1";
    static final String ADA = "acc-ada";
    static final YearMonth NOW = YearMonth.of(2026, 3);
    static final CardOnFile VISA = card(CardBehaviour.APPROVE, YearMonth.of(2028, 12));

    final DeciderFixture<Command, PaymentEvent, State> payment = DeciderFixture.of(Payment.DECIDER);

    static CardOnFile card(CardBehaviour behaviour, YearMonth expiry) {
        return new CardOnFile("tok_00000000000000000000000000000001", ADA, "VISA", "4242", expiry, behaviour);
    }

    static Authorize authorize(long cents, CardOnFile card) {
        return new Authorize(ORDER, ADA, cents, Optional.ofNullable(card), NOW);
    }

    static final PaymentAuthorized AUTHORIZED = new PaymentAuthorized(ORDER, ADA, 1250, "VISA", "4242");
    static final PaymentCaptured CAPTURED = new PaymentCaptured(ORDER, 1250);

    static PaymentDeclined declined(long cents, DeclineReason reason) {
        return new PaymentDeclined(ORDER, ADA, cents, reason);
    }

    static PaymentCommandRejected rejected(String command, RejectionReason reason) {
        return new PaymentCommandRejected(ORDER, command, reason.name());
    }

    @Nested
    class Authorizing {

        @Test
        void anApprovingCard_authorizes_withItsBrandAndLastFour() {
            payment.when(authorize(1250, VISA)).then(AUTHORIZED);
        }

        @Test
        void exactlyTheLimit_authorizes() {
            payment.when(authorize(Payment.MAX_AMOUNT_CENTS, VISA))
                    .then(new PaymentAuthorized(ORDER, ADA, Payment.MAX_AMOUNT_CENTS, "VISA", "4242"));
        }

        @Test
        void aDecliningCard_declines_cardDeclined() {
            payment.when(authorize(1250, card(CardBehaviour.DECLINE, YearMonth.of(2028, 1))))
                    .then(declined(1250, DeclineReason.CARD_DECLINED));
        }

        @Test
        void aCardWithoutFunds_declines_insufficientFunds() {
            payment.when(authorize(1250, card(CardBehaviour.DECLINE_INSUFFICIENT_FUNDS, YearMonth.of(2028, 1))))
                    .then(declined(1250, DeclineReason.INSUFFICIENT_FUNDS));
        }

        @Test
        void overTheLimit_declines_amountTooLarge() {
            payment.when(authorize(Payment.MAX_AMOUNT_CENTS + 1, VISA))
                    .then(declined(Payment.MAX_AMOUNT_CENTS + 1, DeclineReason.AMOUNT_TOO_LARGE));
        }

        @Test
        void anUnknownToken_declines_unknownCard() {
            payment.when(authorize(1250, null)).then(declined(1250, DeclineReason.UNKNOWN_CARD));
        }

        @Test
        void anotherCustomersCard_declines_unknownCard() {
            CardOnFile bobs = new CardOnFile(VISA.token(), "acc-bob", "VISA", "4242", VISA.expiry(), CardBehaviour.APPROVE);
            payment.when(authorize(1250, bobs)).then(declined(1250, DeclineReason.UNKNOWN_CARD));
        }

        @Test
        void aCardThatExpiredLastMonth_declines_cardExpired_butOneExpiringThisMonthIsGood() {
            payment.when(authorize(1250, card(CardBehaviour.APPROVE, NOW.minusMonths(1))))
                    .then(declined(1250, DeclineReason.CARD_EXPIRED));
            payment.when(authorize(1250, card(CardBehaviour.APPROVE, NOW))).then(AUTHORIZED);
        }

        @Test
        void theFirstReasonWins_unknownThenExpiredThenAmountThenTheCard() {
            CardOnFile expiredDecliner = card(CardBehaviour.DECLINE, NOW.minusMonths(1));
            payment.when(authorize(900_000, expiredDecliner)).then(declined(900_000, DeclineReason.CARD_EXPIRED));
            payment.when(authorize(900_000, card(CardBehaviour.DECLINE, NOW)))
                    .then(declined(900_000, DeclineReason.AMOUNT_TOO_LARGE));
        }

        @ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(longs = {0, -1, Long.MIN_VALUE})
        void noPositiveAmount_isRejected_once(long cents) {
            payment.when(authorize(cents, VISA)).then(rejected("AuthorizePayment", RejectionReason.INVALID_AMOUNT));
            payment.given(rejected("AuthorizePayment", RejectionReason.INVALID_AMOUNT))
                    .when(authorize(cents, VISA)).thenNothing();
        }

        @Test
        void aValidAuthorizationAfterARejectedOne_stillAuthorizes() {
            payment.given(rejected("AuthorizePayment", RejectionReason.INVALID_AMOUNT))
                    .when(authorize(1250, VISA)).then(AUTHORIZED);
        }

        @Test
        void again_afterTheVerdict_decidesNothing_whateverItSays() {
            payment.given(AUTHORIZED).when(authorize(1250, VISA)).thenNothing();
            payment.given(AUTHORIZED).when(authorize(99, card(CardBehaviour.DECLINE, NOW))).thenNothing();
            payment.given(declined(1250, DeclineReason.CARD_DECLINED)).when(authorize(1250, VISA)).thenNothing();
            payment.given(AUTHORIZED, CAPTURED).when(authorize(1250, VISA)).thenNothing();
            payment.given(AUTHORIZED, new PaymentVoided(ORDER, 1250)).when(authorize(1250, VISA)).thenNothing();
            payment.given(AUTHORIZED, CAPTURED, new PaymentRefunded(ORDER, 1250)).when(authorize(1250, VISA))
                    .thenNothing();
        }

        @Test
        void afterAVoidBeforeAuthorization_isRejected_once_andHoldsNothing() {
            payment.given(new PaymentVoided(ORDER, 0)).when(authorize(1250, VISA))
                    .then(rejected("AuthorizePayment", RejectionReason.PAYMENT_VOIDED));
            payment.given(new PaymentVoided(ORDER, 0), rejected("AuthorizePayment", RejectionReason.PAYMENT_VOIDED))
                    .when(authorize(1250, VISA)).thenNothing();
        }
    }

    @Nested
    class Capturing {

        @Test
        void anAuthorizedPayment_isCaptured_forTheAuthorizedAmount() {
            payment.given(AUTHORIZED).when(new Capture(ORDER)).then(CAPTURED);
        }

        @Test
        void again_decidesNothing_neverChargesTwice() {
            payment.given(AUTHORIZED, CAPTURED).when(new Capture(ORDER)).thenNothing();
            payment.given(AUTHORIZED, CAPTURED, new PaymentRefunded(ORDER, 1250)).when(new Capture(ORDER)).thenNothing();
        }

        @Test
        void beforeAuthorization_isRejected_once() {
            payment.when(new Capture(ORDER)).then(rejected("CapturePayment", RejectionReason.NOT_AUTHORIZED));
            payment.given(rejected("CapturePayment", RejectionReason.NOT_AUTHORIZED)).when(new Capture(ORDER))
                    .thenNothing();
        }

        @Test
        void ofADeclinedPayment_isRejected_once() {
            payment.given(declined(1250, DeclineReason.CARD_DECLINED)).when(new Capture(ORDER))
                    .then(rejected("CapturePayment", RejectionReason.PAYMENT_DECLINED));
            payment.given(declined(1250, DeclineReason.CARD_DECLINED),
                    rejected("CapturePayment", RejectionReason.PAYMENT_DECLINED)).when(new Capture(ORDER)).thenNothing();
        }

        @Test
        void afterAVoid_isRejected_once() {
            payment.given(AUTHORIZED, new PaymentVoided(ORDER, 1250)).when(new Capture(ORDER))
                    .then(rejected("CapturePayment", RejectionReason.PAYMENT_VOIDED));
            payment.given(AUTHORIZED, new PaymentVoided(ORDER, 1250),
                    rejected("CapturePayment", RejectionReason.PAYMENT_VOIDED)).when(new Capture(ORDER)).thenNothing();
        }

        @Test
        void aRejectionBeforeAuthorization_doesNotStopTheCaptureAfterIt() {
            payment.given(rejected("CapturePayment", RejectionReason.NOT_AUTHORIZED), AUTHORIZED)
                    .when(new Capture(ORDER)).then(CAPTURED);
        }
    }

    @Nested
    class Voiding {

        @Test
        void anAuthorizedPayment_isVoided_forTheAuthorizedAmount() {
            payment.given(AUTHORIZED).when(new VoidAuthorization(ORDER)).then(new PaymentVoided(ORDER, 1250));
        }

        @Test
        void beforeAnyAuthorization_closesThePayment_withNothingHeld() {
            payment.when(new VoidAuthorization(ORDER)).then(new PaymentVoided(ORDER, 0));
        }

        @Test
        void again_decidesNothing() {
            payment.given(AUTHORIZED, new PaymentVoided(ORDER, 1250)).when(new VoidAuthorization(ORDER)).thenNothing();
            payment.given(new PaymentVoided(ORDER, 0)).when(new VoidAuthorization(ORDER)).thenNothing();
        }

        @Test
        void ofACapturedPayment_isRejected_once_refundInstead() {
            payment.given(AUTHORIZED, CAPTURED).when(new VoidAuthorization(ORDER))
                    .then(rejected("VoidPayment", RejectionReason.ALREADY_CAPTURED));
            payment.given(AUTHORIZED, CAPTURED, rejected("VoidPayment", RejectionReason.ALREADY_CAPTURED))
                    .when(new VoidAuthorization(ORDER)).thenNothing();
        }

        @Test
        void ofARefundedPayment_isRejected() {
            payment.given(AUTHORIZED, CAPTURED, new PaymentRefunded(ORDER, 1250)).when(new VoidAuthorization(ORDER))
                    .then(rejected("VoidPayment", RejectionReason.ALREADY_REFUNDED));
        }

        @Test
        void ofADeclinedPayment_isRejected() {
            payment.given(declined(1250, DeclineReason.INSUFFICIENT_FUNDS)).when(new VoidAuthorization(ORDER))
                    .then(rejected("VoidPayment", RejectionReason.PAYMENT_DECLINED));
        }
    }

    @Nested
    class Refunding {

        @Test
        void aCapturedPayment_isRefunded_inFull() {
            payment.given(AUTHORIZED, CAPTURED).when(new Refund(ORDER)).then(new PaymentRefunded(ORDER, 1250));
        }

        @Test
        void again_decidesNothing_neverRefundsTwice() {
            payment.given(AUTHORIZED, CAPTURED, new PaymentRefunded(ORDER, 1250)).when(new Refund(ORDER)).thenNothing();
        }

        @Test
        void ofNothingCaptured_isRejected_once_inEveryPhaseBeforeCapture() {
            PaymentCommandRejected nothing = rejected("RefundPayment", RejectionReason.NOTHING_CAPTURED);
            payment.when(new Refund(ORDER)).then(nothing);
            payment.given(AUTHORIZED).when(new Refund(ORDER)).then(nothing);
            payment.given(declined(1250, DeclineReason.CARD_DECLINED)).when(new Refund(ORDER)).then(nothing);
            payment.given(AUTHORIZED, new PaymentVoided(ORDER, 1250)).when(new Refund(ORDER)).then(nothing);
            payment.given(AUTHORIZED, nothing).when(new Refund(ORDER)).thenNothing();
        }
    }

    @Nested
    class Rejections {

        @Test
        void areRememberedPerPhase_andDifferentOnesAreEachRecordedOnce() {
            PaymentCommandRejected capture = rejected("CapturePayment", RejectionReason.NOT_AUTHORIZED);
            PaymentCommandRejected refund = rejected("RefundPayment", RejectionReason.NOTHING_CAPTURED);
            payment.given(capture).when(new Refund(ORDER)).then(refund);
            payment.given(capture, refund).when(new Capture(ORDER)).thenNothing();
            payment.given(capture, refund).when(new Refund(ORDER)).thenNothing();
        }

        @Test
        void aNewPhase_forgetsThem() {
            PaymentCommandRejected refund = rejected("RefundPayment", RejectionReason.NOTHING_CAPTURED);
            State state = payment.given(refund, AUTHORIZED).state();
            assertThat(state).isEqualTo(new Payment.Authorized(1250, java.util.Set.of()));
            payment.given(refund, AUTHORIZED).when(new Refund(ORDER)).then(refund);
        }
    }

    @ParameterizedTest
    @EnumSource(DeclineReason.class)
    void everyDeclineReason_foldsToDeclined(DeclineReason reason) {
        assertThat(payment.given(declined(1, reason)).state()).isEqualTo(new Payment.Declined(reason, java.util.Set.of()));
    }

    @Test
    void streamAndOrderIds() {
        assertThat(Payment.streamId("o-1")).isEqualTo("payment-o-1");
        assertThat(Payment.isOrderId("o-1")).isTrue();
        assertThat(Payment.isOrderId(null)).isFalse();
        assertThat(Payment.isOrderId(" ")).isFalse();
        assertThat(Payment.isOrderId("x".repeat(101))).isFalse();
    }
}
