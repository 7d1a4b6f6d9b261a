package eventshop.payments.commands;

import eventshop.contracts.payments.PaymentCommand;
import eventshop.eventsourcing.consuming.ExactlyOnce;
import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.payments.payment.Payments;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * The commands other services send on {@code payments.commands} (binding {@code paymentCommands-in-0},
 * group {@code payments}): {@code AuthorizePayment}, {@code CapturePayment}, {@code VoidPayment},
 * {@code RefundPayment}, named by the {@code event-type} header, the record's JSON as payload, the
 * command id in {@code event-id}.
 *
 * <p>The answers are the events of the order's payment stream, which the log relay publishes on
 * {@code payments.events}. A command id seen before is skipped ({@link ExactlyOnce}); since the
 * effect appends to the event store, not to the database the skip is recorded in, a command can be
 * applied again after a crash between the two, and the payment's decider makes that change nothing.
 * Malformed messages fail with {@link MalformedMessage}, which the binding parks at once.
 */
@Configuration(proxyBeanMethods = false)
public class CommandConsumer {

    /** The name processed commands are recorded under. */
    public static final String CONSUMER = "payments-commands";

    private static final JsonEventCodec<PaymentCommand> CODEC = JsonEventCodec.of(PaymentCommand.class);

    @Bean
    public Consumer<Message<byte[]>> paymentCommands(ExactlyOnce exactlyOnce, Payments payments) {
        return exactlyOnce.consumer(CONSUMER, message -> handle(message, payments));
    }

    static void handle(IncomingEvent message, Payments payments) {
        payments.handle(message.decode(CODEC), message.causedContext());
    }
}
