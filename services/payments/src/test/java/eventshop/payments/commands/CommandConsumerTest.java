package eventshop.payments.commands;

import static eventshop.payments.Fixtures.authorizeJson;
import static eventshop.payments.Fixtures.command;
import static eventshop.payments.Fixtures.events;
import static eventshop.payments.Fixtures.newCustomer;
import static eventshop.payments.Fixtures.newOrder;
import static eventshop.payments.Fixtures.orderJson;
import static eventshop.payments.Fixtures.recorded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.contracts.payments.PaymentEvent.DeclineReason;
import eventshop.contracts.payments.PaymentEvent.PaymentAuthorized;
import eventshop.contracts.payments.PaymentEvent.PaymentCaptured;
import eventshop.contracts.payments.PaymentEvent.PaymentCommandRejected;
import eventshop.contracts.payments.PaymentEvent.PaymentDeclined;
import eventshop.contracts.payments.PaymentEvent.PaymentRefunded;
import eventshop.contracts.payments.PaymentEvent.PaymentVoided;
import eventshop.eventsourcing.consuming.ExactlyOnce;
import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.RecordedEvent;
import eventshop.payments.ApiSupport;
import eventshop.payments.PaymentsTest;
import eventshop.payments.payment.domain.Payment;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/** The consumer of payments.commands, handed messages as the Kafka binder would hand them over. */
@PaymentsTest
class CommandConsumerTest extends ApiSupport {

    @Autowired
    @Qualifier("paymentCommands")
    Consumer<Message<byte[]>> paymentCommands;
    @Autowired
    ExactlyOnce exactlyOnce;
    @Autowired
    MeterRegistry registry;

    private void send(String type, String json) {
        paymentCommands.accept(command(UUID.randomUUID(), type, json));
    }

    private double count(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void authorizePayment_answersWithPaymentAuthorized_causedByTheCommand() {
        EdgeUser ada = newCustomer();
        String token = tokenOf(ada, "4242424242424242");
        String order = newOrder();
        UUID commandId = UUID.randomUUID();
        double before = count("payments.authorized");

        paymentCommands.accept(command(commandId, "AuthorizePayment", authorizeJson(order, ada.id(), token, 1250)));

        assertThat(events(store, Payment.streamId(order)))
                .containsExactly(new PaymentAuthorized(order, ada.id(), 1250, "VISA", "4242"));
        RecordedEvent answer = recorded(store, Payment.streamId(order)).getFirst();
        assertThat(answer.type()).isEqualTo("PaymentAuthorized");
        assertThat(answer.metadata().causationId()).isEqualTo(commandId.toString());
        assertThat(answer.metadata().correlationId()).isEqualTo("checkout-42");
        assertThat(answer.metadata().headers()).containsKey(EventHeaders.TRACEPARENT);
        assertThat(exactlyOnce.processed(CommandConsumer.CONSUMER, commandId)).isTrue();
        assertThat(count("payments.authorized")).isEqualTo(before + 1);
    }

    @Test
    void theTestCards_andTheLimits_decline_withTheirReasons() {
        EdgeUser ada = newCustomer();
        String declining = tokenOf(ada, "4000000000000002");
        String noFunds = tokenOf(ada, "4000 0000 0000 9995");
        String good = tokenOf(ada, "4242424242424242");
        String bobs = tokenOf(newCustomer(), "4242424242424242");
        double before = count("payments.declined", "reason", "UNKNOWN_CARD");

        String[][] cases = {
                {declining, "1000", DeclineReason.CARD_DECLINED.name()},
                {noFunds, "1000", DeclineReason.INSUFFICIENT_FUNDS.name()},
                {good, "500001", DeclineReason.AMOUNT_TOO_LARGE.name()},
                {bobs, "1000", DeclineReason.UNKNOWN_CARD.name()},
                {"tok_" + "f".repeat(32), "1000", DeclineReason.UNKNOWN_CARD.name()},
                {"not a token", "1000", DeclineReason.UNKNOWN_CARD.name()}};
        for (String[] c : cases) {
            String order = newOrder();
            send("AuthorizePayment", authorizeJson(order, ada.id(), c[0], Long.parseLong(c[1])));
            assertThat(events(store, Payment.streamId(order))).containsExactly(new PaymentDeclined(order, ada.id(),
                    Long.parseLong(c[1]), DeclineReason.valueOf(c[2])));
        }
        assertThat(count("payments.declined", "reason", "UNKNOWN_CARD")).isEqualTo(before + 3);
    }

    @Test
    void aRedeliveredCapture_andAResentOne_captureOnce() {
        EdgeUser ada = newCustomer();
        String order = newOrder();
        send("AuthorizePayment", authorizeJson(order, ada.id(), tokenOf(ada, "4242424242424242"), 4200));
        Message<byte[]> capture = command(UUID.randomUUID(), "CapturePayment", orderJson(order));
        double before = count("payments.captured");

        paymentCommands.accept(capture);
        paymentCommands.accept(capture);
        send("CapturePayment", orderJson(order));
        send("AuthorizePayment", authorizeJson(order, ada.id(), "tok_" + "0".repeat(32), 4200));

        assertThat(events(store, Payment.streamId(order))).containsExactly(
                new PaymentAuthorized(order, ada.id(), 4200, "VISA", "4242"), new PaymentCaptured(order, 4200));
        assertThat(count("payments.captured")).isEqualTo(before + 1);
    }

    @Test
    void concurrentDuplicates_captureOnce() {
        EdgeUser ada = newCustomer();
        String order = newOrder();
        send("AuthorizePayment", authorizeJson(order, ada.id(), tokenOf(ada, "4242424242424242"), 4200));

        CompletableFuture<?>[] captures = new CompletableFuture<?>[8];
        for (int i = 0; i < captures.length; i++) {
            captures[i] = CompletableFuture.runAsync(() -> send("CapturePayment", orderJson(order)));
        }
        CompletableFuture.allOf(captures).join();

        assertThat(events(store, Payment.streamId(order))).filteredOn(PaymentCaptured.class::isInstance).hasSize(1);
    }

    @Test
    void refundAndVoid_followThePayment() {
        EdgeUser ada = newCustomer();
        String token = tokenOf(ada, "4242424242424242");
        String refunded = newOrder();
        String voided = newOrder();
        send("AuthorizePayment", authorizeJson(refunded, ada.id(), token, 100));
        send("AuthorizePayment", authorizeJson(voided, ada.id(), token, 200));
        double refunds = count("payments.refunded");
        double voids = count("payments.voided");

        send("CapturePayment", orderJson(refunded));
        send("RefundPayment", orderJson(refunded));
        send("RefundPayment", orderJson(refunded));
        send("VoidPayment", orderJson(voided));
        send("VoidPayment", orderJson(voided));
        send("CapturePayment", orderJson(voided));
        send("CapturePayment", orderJson(voided));

        assertThat(events(store, Payment.streamId(refunded))).last().isEqualTo(new PaymentRefunded(refunded, 100));
        assertThat(events(store, Payment.streamId(voided))).containsExactly(
                new PaymentAuthorized(voided, ada.id(), 200, "VISA", "4242"), new PaymentVoided(voided, 200),
                new PaymentCommandRejected(voided, "CapturePayment", "PAYMENT_VOIDED"));
        assertThat(count("payments.refunded")).isEqualTo(refunds + 1);
        assertThat(count("payments.voided")).isEqualTo(voids + 1);
    }

    @Test
    void aCommandThatCannotApply_isRejectedOnce_notOnEveryRedelivery() {
        String order = newOrder();

        send("CapturePayment", orderJson(order));
        send("CapturePayment", orderJson(order));
        send("RefundPayment", orderJson(order));

        assertThat(events(store, Payment.streamId(order))).containsExactly(
                new PaymentCommandRejected(order, "CapturePayment", "NOT_AUTHORIZED"),
                new PaymentCommandRejected(order, "RefundPayment", "NOTHING_CAPTURED"));
    }

    @Test
    void malformedMessages_fail_andStoreNothing() {
        long head = store.headPosition();
        UUID malformedJson = UUID.randomUUID();

        assertThatThrownBy(() -> paymentCommands.accept(command(malformedJson, "AuthorizePayment", "{\"orderId\":")))
                .isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> send("AuthorizePayment", "{\"orderId\":\"o\",\"amountCents\":\"lots\"}"))
                .isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> send("CapturePayment", "{}")).isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> send("CapturePayment", orderJson("o".repeat(101))))
                .isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> send("ChargeTwice", orderJson("o"))).isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> paymentCommands.accept(MessageBuilder.withPayload("{}".getBytes())
                .setHeader(EventHeaders.EVENT_TYPE, "CapturePayment").build()))
                .isInstanceOf(MalformedMessage.class);

        assertThat(store.headPosition()).isEqualTo(head);
        assertThat(exactlyOnce.processed(CommandConsumer.CONSUMER, malformedJson)).isFalse();
    }
}
