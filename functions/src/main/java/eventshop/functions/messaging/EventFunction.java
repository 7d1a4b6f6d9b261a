package eventshop.functions.messaging;

import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.functions.handling.Handler;
import eventshop.functions.handling.Outgoing;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;

/**
 * A {@link Handler} as a Spring Cloud Function over messages, the same bean bound to Kafka (Spring
 * Cloud Stream) and run by the AWS Lambda adapter. The input is an integration event as the log
 * relay publishes it (payload: the event's JSON; headers: {@code event-id}, {@code event-type},
 * {@code correlation-id}, trace context); it is decoded by its {@code event-type} with the contract's
 * {@link JsonEventCodec}. A type the contract does not know is not this function's business: no
 * output ({@code null}, which the binder does not send). A message without an event id or type, or
 * whose envelope ({@link IncomingEvent#from}) or payload ({@link IncomingEvent#decode}) does not read, is a
 * {@link MalformedMessage}, which the binding parks at once.
 *
 * <p>The output is the command's JSON with the headers of a command message: {@code event-id} (the
 * handler's derived id), {@code event-type} (the command record's simple name), {@code correlation-id}
 * (the input's, or the input event id if it had none), {@code causation-id} (the input event id), the
 * input's {@code traceparent}/{@code tracestate}, and the record key ({@code kafka_messageKey}, UTF-8).
 * Thread-safe; no I/O.
 *
 * @param <E> the input contract's sealed event type
 * @param <C> the output contract's sealed command type
 */
public final class EventFunction<E, C> implements Function<Message<byte[]>, Message<byte[]>> {

    private static final String JSON = "application/json";

    private final Handler<E, C> handler;
    private final JsonEventCodec<E> events;
    private final JsonEventCodec<C> commands;

    public EventFunction(Handler<E, C> handler, Class<E> eventType, Class<C> commandType) {
        this.handler = handler;
        this.events = JsonEventCodec.of(eventType);
        this.commands = JsonEventCodec.of(commandType);
    }

    public String name() {
        return handler.name();
    }

    @Override
    public Message<byte[]> apply(Message<byte[]> message) {
        return handle(message).orElse(null);
    }

    /** The output for {@code message}, if any. */
    public Optional<Message<byte[]>> handle(Message<byte[]> message) {
        String eventId = required(message, EventHeaders.EVENT_ID);
        String type = required(message, EventHeaders.EVENT_TYPE);
        if (!events.typeNames().contains(type)) {
            return Optional.empty();
        }
        IncomingEvent incoming;
        try {
            incoming = IncomingEvent.from(message);
        } catch (MalformedMessage malformed) {
            throw new MalformedMessage(handler.name() + ": " + malformed.getMessage(), malformed);
        }
        E event = incoming.decode(events);
        Optional<Outgoing<C>> outgoing;
        try {
            outgoing = handler.on(event, eventId);
        } catch (NullPointerException | IllegalArgumentException e) {
            throw new MalformedMessage(handler.name() + ": event " + eventId + " (" + type + ") cannot be handled: "
                    + e.getMessage(), e);
        }
        return outgoing.map(out -> toMessage(out, message, eventId));
    }

    private Message<byte[]> toMessage(Outgoing<C> out, Message<byte[]> input, String eventId) {
        String correlationId = EventHeaders.text(input.getHeaders().get(EventHeaders.CORRELATION_ID));
        MessageBuilder<byte[]> builder = MessageBuilder.withPayload(commands.serialize(out.command()))
                .setHeader(EventHeaders.EVENT_ID, out.id().toString())
                .setHeader(EventHeaders.EVENT_TYPE, commands.typeOf(out.command()))
                .setHeader(EventHeaders.CORRELATION_ID,
                        correlationId == null || correlationId.isBlank() ? eventId : correlationId)
                .setHeader(EventHeaders.CAUSATION_ID, eventId)
                .setHeader(KafkaHeaders.KEY, out.key().getBytes(StandardCharsets.UTF_8))
                .setHeader(MessageHeaders.CONTENT_TYPE, JSON);
        for (String trace : new String[] {EventHeaders.TRACEPARENT, EventHeaders.TRACESTATE}) {
            String value = EventHeaders.text(input.getHeaders().get(trace));
            if (value != null) {
                builder.setHeader(trace, value);
            }
        }
        return builder.build();
    }

    private String required(Message<byte[]> message, String header) {
        String value = EventHeaders.text(message.getHeaders().get(header));
        if (value == null || value.isBlank()) {
            throw new MalformedMessage(handler.name() + ": the message has no '" + header + "' header");
        }
        return value;
    }
}
