package eventshop.payments.payment.domain;

import eventshop.contracts.payments.PaymentEvent;
import eventshop.contracts.payments.PaymentEvent.DeclineReason;
import eventshop.contracts.payments.PaymentEvent.PaymentAuthorized;
import eventshop.contracts.payments.PaymentEvent.PaymentCaptured;
import eventshop.contracts.payments.PaymentEvent.PaymentCommandRejected;
import eventshop.contracts.payments.PaymentEvent.PaymentDeclined;
import eventshop.contracts.payments.PaymentEvent.PaymentRefunded;
import eventshop.contracts.payments.PaymentEvent.PaymentVoided;
import eventshop.eventsourcing.decider.Decider;
import eventshop.payments.cards.domain.CardOnFile;
import java.time.YearMonth;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The payment of one order, stream {@code payment-<orderId>}, against the simulated processor.
 *
 * <p>Lifecycle: {@link Unauthorized} → {@link Authorized} or {@link Declined}; authorized →
 * {@link Captured} or {@link Voided}; captured → {@link Refunded}. A void before any authorization
 * closes the payment ({@code PaymentVoided} of 0 cents), so an authorization arriving after the
 * order gave up holds no money.
 *
 * <p>Idempotent per order: a command whose effect already happened decides nothing (a second
 * authorization after the verdict, a second capture, void or refund), so no redelivery and no
 * resend under a new command id ever charges twice. A command that cannot apply to the payment as
 * it stands (capture before authorization, refund of nothing captured, capture after a void)
 * decides {@code PaymentCommandRejected}, so the sender gets an answer rather than waiting for its
 * deadline; the same rejection is recorded once per phase, never again on redelivery.
 */
public final class Payment {

    /** The processor's limit: larger authorizations decline with {@code AMOUNT_TOO_LARGE}. */
    public static final long MAX_AMOUNT_CENTS = 500_000;
    /** Longest order id (the stream id must stay well inside the store's limit). */
    public static final int MAX_ORDER_ID = 100;

    public static final Decider<Command, PaymentEvent, State> DECIDER = new Decider<>(
            new Unauthorized(Set.of()), Payment::evolve, Payment::decide);

    private Payment() {
    }

    public static String streamId(String orderId) {
        return "payment-" + orderId;
    }

    public static boolean isOrderId(String orderId) {
        return orderId != null && !orderId.isBlank() && orderId.length() <= MAX_ORDER_ID;
    }

    // ---- commands

    public sealed interface Command {
        String orderId();
    }

    /**
     * Authorize {@code amountCents} on {@code card} (empty: no card has the token the order named).
     * {@code month} is the current month, for the card's expiry.
     */
    public record Authorize(String orderId, String customerId, long amountCents, Optional<CardOnFile> card,
                            YearMonth month) implements Command {
    }

    public record Capture(String orderId) implements Command {
    }

    public record VoidAuthorization(String orderId) implements Command {
    }

    public record Refund(String orderId) implements Command {
    }

    // ---- state: one record per phase, each with the rejections recorded since the phase began

    public record Rejection(String command, String reason) {
    }

    public sealed interface State {
        Set<Rejection> rejections();
    }

    public record Unauthorized(Set<Rejection> rejections) implements State {
    }

    public record Authorized(long amountCents, Set<Rejection> rejections) implements State {
    }

    public record Declined(DeclineReason reason, Set<Rejection> rejections) implements State {
    }

    public record Captured(long amountCents, Set<Rejection> rejections) implements State {
    }

    /** {@code amountCents} 0: voided before it was ever authorized. */
    public record Voided(long amountCents, Set<Rejection> rejections) implements State {
    }

    public record Refunded(long amountCents, Set<Rejection> rejections) implements State {
    }

    public static State evolve(State state, PaymentEvent event) {
        return switch (event) {
            case PaymentAuthorized authorized -> new Authorized(authorized.amountCents(), Set.of());
            case PaymentDeclined declined -> new Declined(declined.reason(), Set.of());
            case PaymentCaptured captured -> new Captured(captured.amountCents(), Set.of());
            case PaymentVoided voided -> new Voided(voided.amountCents(), Set.of());
            case PaymentRefunded refunded -> new Refunded(refunded.amountCents(), Set.of());
            case PaymentCommandRejected rejected -> remember(state,
                    new Rejection(rejected.command(), rejected.reason()));
        };
    }

    private static State remember(State state, Rejection rejection) {
        Set<Rejection> rejections = new HashSet<>(state.rejections());
        rejections.add(rejection);
        Set<Rejection> all = Set.copyOf(rejections);
        return switch (state) {
            case Unauthorized unauthorized -> new Unauthorized(all);
            case Authorized authorized -> new Authorized(authorized.amountCents(), all);
            case Declined declined -> new Declined(declined.reason(), all);
            case Captured captured -> new Captured(captured.amountCents(), all);
            case Voided voided -> new Voided(voided.amountCents(), all);
            case Refunded refunded -> new Refunded(refunded.amountCents(), all);
        };
    }

    public static List<PaymentEvent> decide(Command command, State state) {
        return switch (command) {
            case Authorize authorize -> switch (state) {
                case Unauthorized unauthorized -> authorize.amountCents() <= 0
                        ? reject(state, authorize, RejectionReason.INVALID_AMOUNT)
                        : List.of(verdict(authorize));
                case Voided voided when voided.amountCents() == 0 ->
                        reject(state, authorize, RejectionReason.PAYMENT_VOIDED);
                case Authorized authorized -> List.of();
                case Declined declined -> List.of();
                case Captured captured -> List.of();
                case Voided voided -> List.of();
                case Refunded refunded -> List.of();
            };
            case Capture capture -> switch (state) {
                case Authorized authorized -> List.of(new PaymentCaptured(capture.orderId(), authorized.amountCents()));
                case Captured captured -> List.of();
                case Refunded refunded -> List.of();
                case Unauthorized unauthorized -> reject(state, capture, RejectionReason.NOT_AUTHORIZED);
                case Declined declined -> reject(state, capture, RejectionReason.PAYMENT_DECLINED);
                case Voided voided -> reject(state, capture, RejectionReason.PAYMENT_VOIDED);
            };
            case VoidAuthorization voiding -> switch (state) {
                case Unauthorized unauthorized -> List.of(new PaymentVoided(voiding.orderId(), 0));
                case Authorized authorized -> List.of(new PaymentVoided(voiding.orderId(), authorized.amountCents()));
                case Voided voided -> List.of();
                case Declined declined -> reject(state, voiding, RejectionReason.PAYMENT_DECLINED);
                case Captured captured -> reject(state, voiding, RejectionReason.ALREADY_CAPTURED);
                case Refunded refunded -> reject(state, voiding, RejectionReason.ALREADY_REFUNDED);
            };
            case Refund refund -> switch (state) {
                case Captured captured -> List.of(new PaymentRefunded(refund.orderId(), captured.amountCents()));
                case Refunded refunded -> List.of();
                case Unauthorized unauthorized -> reject(state, refund, RejectionReason.NOTHING_CAPTURED);
                case Authorized authorized -> reject(state, refund, RejectionReason.NOTHING_CAPTURED);
                case Declined declined -> reject(state, refund, RejectionReason.NOTHING_CAPTURED);
                case Voided voided -> reject(state, refund, RejectionReason.NOTHING_CAPTURED);
            };
        };
    }

    /** The processor's answer: the first reason to decline, in the order a processor checks, or the authorization. */
    private static PaymentEvent verdict(Authorize authorize) {
        Optional<CardOnFile> card = authorize.card().filter(c -> c.belongsTo(authorize.customerId()));
        Optional<DeclineReason> declined = card.isEmpty() ? Optional.of(DeclineReason.UNKNOWN_CARD)
                : card.get().expiredIn(authorize.month()) ? Optional.of(DeclineReason.CARD_EXPIRED)
                : authorize.amountCents() > MAX_AMOUNT_CENTS ? Optional.of(DeclineReason.AMOUNT_TOO_LARGE)
                : switch (card.get().behaviour()) {
                    case APPROVE -> Optional.empty();
                    case DECLINE -> Optional.of(DeclineReason.CARD_DECLINED);
                    case DECLINE_INSUFFICIENT_FUNDS -> Optional.of(DeclineReason.INSUFFICIENT_FUNDS);
                };
        if (declined.isPresent()) {
            return new PaymentDeclined(authorize.orderId(), authorize.customerId(), authorize.amountCents(),
                    declined.get());
        }
        CardOnFile approved = card.get();
        return new PaymentAuthorized(authorize.orderId(), authorize.customerId(), authorize.amountCents(),
                approved.brand(), approved.last4());
    }

    private static List<PaymentEvent> reject(State state, Command command, RejectionReason reason) {
        Rejection rejection = new Rejection(commandName(command), reason.name());
        if (state.rejections().contains(rejection)) {
            return List.of();
        }
        return List.of(new PaymentCommandRejected(command.orderId(), rejection.command(), reason.name()));
    }

    /** The name of the contract command a domain command stands for. */
    public static String commandName(Command command) {
        return switch (command) {
            case Authorize authorize -> "AuthorizePayment";
            case Capture capture -> "CapturePayment";
            case VoidAuthorization voiding -> "VoidPayment";
            case Refund refund -> "RefundPayment";
        };
    }
}
