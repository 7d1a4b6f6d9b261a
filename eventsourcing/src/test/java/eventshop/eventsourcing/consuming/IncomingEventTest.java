package eventshop.eventsourcing.consuming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.decider.UnknownEventType;
import eventshop.eventsourcing.relay.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.support.MessageBuilder;

/** Reading a message from a topic: its envelope, and the one decode of its payload every consumer uses. */
class IncomingEventTest {

    sealed interface StockCommand {
        record Reserve(String orderId, int quantity) implements StockCommand {
        }

        record Release(String orderId) implements StockCommand {
        }
    }

    private static final JsonEventCodec<StockCommand> CODEC = JsonEventCodec.of(StockCommand.class);
    private static final UUID ID = UUID.fromString("3f1c0d9e-5b7a-4c2d-9e8f-7a6b5c4d3e2f");

    private static IncomingEvent message(String type, String json) {
        return IncomingEvent.from(MessageBuilder.withPayload(json.getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.EVENT_ID, ID.toString().getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.EVENT_TYPE, type).build());
    }

    @Nested
    class Decode {

        @Test
        void aKnownType_decodesAsTheRecordItNames() {
            // when
            StockCommand decoded = message("Reserve", "{\"orderId\":\"o-1\",\"quantity\":2}").decode(CODEC);

            // then
            assertThat(decoded).isEqualTo(new StockCommand.Reserve("o-1", 2));
        }

        @Test
        void aTypeTheCodecDoesNotKnow_isMalformed_namingTheMessage() {
            assertThatThrownBy(() -> message("ChargeTwice", "{\"orderId\":\"o-1\"}").decode(CODEC))
                    .isInstanceOf(MalformedMessage.class)
                    .hasMessageContaining("ChargeTwice").hasMessageContaining(ID.toString())
                    .hasCauseInstanceOf(UnknownEventType.class);
        }

        @Test
        void aPayloadThatIsNotTheTypesJson_isMalformed() {
            assertThatThrownBy(() -> message("Reserve", "{\"orderId\":").decode(CODEC))
                    .isInstanceOf(MalformedMessage.class).hasMessageContaining(ID.toString());
            assertThatThrownBy(() -> message("Reserve", "{\"orderId\":\"o-1\",\"quantity\":\"many\"}").decode(CODEC))
                    .isInstanceOf(MalformedMessage.class);
            assertThatThrownBy(() -> message("Release", "[1]").decode(CODEC)).isInstanceOf(MalformedMessage.class);
        }

        @Test
        void aNullPayload_isMalformed_notANullCommand() {
            assertThatThrownBy(() -> message("Release", "null").decode(CODEC))
                    .isInstanceOf(MalformedMessage.class).hasMessageContaining("Release");
        }
    }

    @Nested
    class Envelope {

        @Test
        void noEventId_orOneThatIsNotAUuid_isMalformed() {
            assertThatThrownBy(() -> IncomingEvent.from(MessageBuilder.withPayload(new byte[0])
                    .setHeader(EventHeaders.EVENT_TYPE, "Reserve").build()))
                    .isInstanceOf(MalformedMessage.class).hasMessageContaining(EventHeaders.EVENT_ID);
            assertThatThrownBy(() -> IncomingEvent.from(MessageBuilder.withPayload(new byte[0])
                    .setHeader(EventHeaders.EVENT_ID, "42").build()))
                    .isInstanceOf(MalformedMessage.class).hasMessageContaining("not a UUID");
        }

        @Test
        void brokenNumberOrTimestampHeaders_areMalformed() {
            assertThatThrownBy(() -> IncomingEvent.from(MessageBuilder.withPayload(new byte[0])
                    .setHeader(EventHeaders.EVENT_ID, ID.toString())
                    .setHeader(EventHeaders.STREAM_VERSION, "seven").build()))
                    .isInstanceOf(MalformedMessage.class).hasMessageContaining(EventHeaders.STREAM_VERSION);
            assertThatThrownBy(() -> IncomingEvent.from(MessageBuilder.withPayload(new byte[0])
                    .setHeader(EventHeaders.EVENT_ID, ID.toString())
                    .setHeader(EventHeaders.EVENT_TIMESTAMP, "yesterday").build()))
                    .isInstanceOf(MalformedMessage.class).hasMessageContaining("ISO-8601");
        }
    }
}
