package eventshop.payments.payment;

import eventshop.contracts.payments.PaymentCommand;
import eventshop.contracts.payments.PaymentCommand.AuthorizePayment;
import eventshop.contracts.payments.PaymentCommand.CapturePayment;
import eventshop.contracts.payments.PaymentCommand.RefundPayment;
import eventshop.contracts.payments.PaymentCommand.VoidPayment;
import eventshop.contracts.payments.PaymentEvent;
import eventshop.contracts.payments.PaymentEvent.PaymentAuthorized;
import eventshop.contracts.payments.PaymentEvent.PaymentCaptured;
import eventshop.contracts.payments.PaymentEvent.PaymentCommandRejected;
import eventshop.contracts.payments.PaymentEvent.PaymentDeclined;
import eventshop.contracts.payments.PaymentEvent.PaymentRefunded;
import eventshop.contracts.payments.PaymentEvent.PaymentVoided;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.CommandResult;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.ops.OpsAggregate;
import eventshop.eventstore.EventStore;
import eventshop.payments.cards.Cards;
import eventshop.payments.payment.domain.Payment;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.YearMonth;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Runs the payment commands other services send: each is one load–decide–append on the order's
 * stream {@code payment-<orderId>} ({@link Payment}). Idempotency lives in the decider (a command
 * whose effect already happened decides nothing), so redeliveries, resends under new ids and two
 * deliveries racing each other (the loser decides again after the optimistic conflict) all end
 * with one authorization, one capture, one refund at most.
 *
 * <p>Counts what it records: {@code payments.authorized}, {@code payments.declined{reason}},
 * {@code payments.captured}, {@code payments.voided}, {@code payments.refunded},
 * {@code payments.rejected{command,reason}}. Thread-safe.
 */
@Component
public class Payments {

    private final CommandHandler<Payment.Command, PaymentEvent, Payment.State> handler;
    private final Cards cards;
    private final Clock clock;
    private final MeterRegistry registry;

    public Payments(EventStore store, Cards cards, Clock clock, Supplier<UUID> ids, MeterRegistry registry,
                    @Value("${eventshop.service-name:payments}") String serviceName) {
        this.handler = CommandHandler.builder(serviceName, store, Payment.DECIDER,
                        JsonEventCodec.of(PaymentEvent.class))
                .clock(clock)
                .ids(ids)
                .maxAttempts(20)
                .build();
        this.cards = cards;
        this.clock = clock;
        this.registry = registry;
    }

    /** An order's payment, for the operations console's stream view and its time travel. */
    public OpsAggregate opsAggregate() {
        return new OpsAggregate("payment", Payment.streamId(""), handler);
    }

    /**
     * Decides a command against the order's payment and records the outcome (often nothing: a repeat).
     *
     * @throws MalformedMessage if the order id is missing or longer than {@value Payment#MAX_ORDER_ID}
     */
    public CommandResult<PaymentEvent> handle(PaymentCommand command, CommandContext context) {
        String orderId = command.orderId();
        if (!Payment.isOrderId(orderId)) {
            throw new MalformedMessage("the order id must be 1.." + Payment.MAX_ORDER_ID + " characters, was "
                    + (orderId == null ? "null" : orderId.length() + " characters"));
        }
        Payment.Command decided = switch (command) {
            case AuthorizePayment authorize -> new Payment.Authorize(orderId, authorize.customerId(),
                    authorize.amountCents(), cards.find(authorize.cardToken()), YearMonth.now(clock));
            case CapturePayment capture -> new Payment.Capture(orderId);
            case VoidPayment voiding -> new Payment.VoidAuthorization(orderId);
            case RefundPayment refund -> new Payment.Refund(orderId);
        };
        CommandResult<PaymentEvent> result = handler.handle(Payment.streamId(orderId), decided, context);
        result.events().forEach(this::count);
        return result;
    }

    /** The payment of an order as its stream says. */
    public Payment.State state(String orderId) {
        return handler.load(Payment.streamId(orderId)).state();
    }

    private void count(PaymentEvent event) {
        switch (event) {
            case PaymentAuthorized authorized -> registry.counter("payments.authorized").increment();
            case PaymentDeclined declined -> registry.counter("payments.declined", "reason",
                    declined.reason().name()).increment();
            case PaymentCaptured captured -> registry.counter("payments.captured").increment();
            case PaymentVoided voided -> registry.counter("payments.voided").increment();
            case PaymentRefunded refunded -> registry.counter("payments.refunded").increment();
            case PaymentCommandRejected rejected -> registry.counter("payments.rejected", "command",
                    rejected.command(), "reason", rejected.reason()).increment();
        }
    }
}
