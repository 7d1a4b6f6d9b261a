package eventshop.functions.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.contracts.accounts.AccountCommand;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.functions.handling.AccountLifecycle;
import eventshop.functions.handling.DerivedIds;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/** The message side of a function: decoding by event-type, the output's headers and key, malformed input. */
class EventFunctionTest {

    private static final String EVENT_ID = "3f1c0d9e-5b7a-4c2d-9e8f-7a6b5c4d3e2f";

    private final EventFunction<AccountEvent, AccountCommand> function =
            new EventFunction<>(new AccountLifecycle(), AccountEvent.class, AccountCommand.class);

    private static MessageBuilder<byte[]> event(String type, String json) {
        return MessageBuilder.withPayload(json.getBytes(StandardCharsets.UTF_8))
                .setHeader("event-id", EVENT_ID.getBytes(StandardCharsets.UTF_8))
                .setHeader("event-type", type.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    @Test
    void anEvent_becomesACommandMessage_withDerivedIdCausationCorrelationTraceAndKey() {
        Message<byte[]> out = function.apply(event("AccountRegistered",
                "{\"accountId\":\"acc-1\",\"email\":\"a@x.io\",\"name\":\"Ann\",\"role\":\"CUSTOMER\",\"confirmationCode\":\"123456\"}")
                .setHeader("correlation-id", "conv-1")
                .setHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes())
                .setHeader("stream-id", "account-acc-1")
                .build());

        String id = DerivedIds.of("accountLifecycle", EVENT_ID).toString();
        assertThat(out.getHeaders().get("event-id")).isEqualTo(id);
        assertThat(out.getHeaders().get("event-type")).isEqualTo("DeliverMessage");
        assertThat(out.getHeaders().get("causation-id")).isEqualTo(EVENT_ID);
        assertThat(out.getHeaders().get("correlation-id")).isEqualTo("conv-1");
        assertThat(out.getHeaders().get("traceparent"))
                .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(text(out.getHeaders().get("kafka_messageKey"))).isEqualTo("acc-1");
        assertThat(out.getHeaders()).doesNotContainKey("stream-id");
        assertThat(new String(out.getPayload(), StandardCharsets.UTF_8))
                .contains("\"accountId\":\"acc-1\"", "\"messageId\":\"" + id + "\"", "\"kind\":\"CONFIRMATION\"",
                        "\"code\":\"123456\"");
    }

    @Test
    void withoutACorrelationId_theConversationStartsAtTheInputEvent() {
        Message<byte[]> out = function.apply(event("AccountConfirmed", "{\"accountId\":\"acc-1\"}").build());

        assertThat(out.getHeaders().get("correlation-id")).isEqualTo(EVENT_ID);
        assertThat(new String(out.getPayload(), StandardCharsets.UTF_8)).isEqualTo("{\"accountId\":\"acc-1\"}");
        assertThat(out.getHeaders().get("event-type")).isEqualTo("ActivateAccount");
    }

    @Test
    void theSameInputTwice_givesTheSameOutput() {
        Message<byte[]> first = function.apply(event("AccountConfirmed", "{\"accountId\":\"acc-1\"}").build());
        Message<byte[]> again = function.apply(event("AccountConfirmed", "{\"accountId\":\"acc-1\"}").build());

        assertThat(again.getHeaders().get("event-id")).isEqualTo(first.getHeaders().get("event-id"));
        assertThat(again.getPayload()).isEqualTo(first.getPayload());
    }

    @Test
    void eventsWithNothingToSay_andUnknownTypes_giveNoOutput() {
        assertThat(function.apply(event("AccountActivated", "{\"accountId\":\"acc-1\"}").build())).isNull();
        assertThat(function.apply(event("SomethingNew", "{\"whatever\":1}").build())).isNull();
    }

    @Test
    void malformedInput_isAMalformedEvent() {
        assertThatThrownBy(() -> function.apply(event("AccountConfirmed", "{\"accountId\":").build()))
                .isInstanceOf(MalformedMessage.class).hasMessageContaining(EVENT_ID);
        assertThatThrownBy(() -> function.apply(event("AccountConfirmed", "{}").build()))
                .isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> function.apply(event("AccountConfirmed", "null").build()))
                .isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> function.apply(MessageBuilder.withPayload("{}".getBytes())
                .setHeader("event-type", "AccountConfirmed").build()))
                .isInstanceOf(MalformedMessage.class).hasMessageContaining("event-id");
        assertThatThrownBy(() -> function.apply(MessageBuilder.withPayload("{}".getBytes())
                .setHeader("event-id", EVENT_ID).build()))
                .isInstanceOf(MalformedMessage.class).hasMessageContaining("event-type");
    }
}
