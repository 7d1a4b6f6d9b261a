package eventshop.eventsourcing.relay;

import eventshop.eventsourcing.tracing.TraceParent;
import eventshop.eventstore.RecordedEvent;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.integration.kafka.support.KafkaSendFailureException;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Publishes through Spring Cloud Stream: {@link StreamBridge#send} on the relay's output binding
 * (Kafka binder, asynchronous producer). Acknowledgements come back on the binding's
 * {@code recordMetadataChannel} (the sent message plus its {@code RecordMetadata}); failures on the
 * binding's error channel, which the binder bridges to the global {@code errorChannel}. Both are
 * matched to events by the {@link EventHeaders#SOURCE_POSITION} header of the sent message.
 *
 * <p>Tracing: with a Micrometer {@link Tracer}, an event whose metadata carries a trace context
 * ({@link TraceParent}, stored there by the command that appended it) is published in a {@code PRODUCER} span
 * {@code publish <topic>}, a child of that stored context, which ends when the broker acknowledges the record
 * (or the send fails); the record's {@code traceparent} header names that span, so the consumers' spans are its
 * children. An event without one is published as it is, in no span.
 *
 * <p>Thread-safe.
 */
public final class StreamBridgePublisher implements RelayPublisher {

    private static final String JSON = "application/json";

    private final StreamBridge bridge;
    private final String bindingName;
    private final String source;
    private final SubscribableChannel acks;
    private final SubscribableChannel errors;
    private final java.util.Set<String> commandTopics;
    private final String eventsTopic;
    private final @Nullable Tracer tracer;
    private final Map<Long, Span> publishing = new ConcurrentHashMap<>();

    /**
     * @param bindingName the output binding (its destination is the topic)
     * @param source      this service's name, written into {@link EventHeaders#SOURCE}
     * @param acks        the channel named by the binding's {@code recordMetadataChannel}
     * @param errors      the global error channel
     */
    public StreamBridgePublisher(StreamBridge bridge, String bindingName, String source, SubscribableChannel acks,
                                 SubscribableChannel errors) {
        this(bridge, bindingName, source, acks, errors, java.util.Set.of());
    }

    /**
     * @param commandTopics the other topics {@link #send} may publish to; each has its own output binding
     *                      ({@link RelayBindingDefaults#bindingFor}) with the relay's producer settings
     */
    public StreamBridgePublisher(StreamBridge bridge, String bindingName, String source, SubscribableChannel acks,
                                 SubscribableChannel errors, java.util.Set<String> commandTopics) {
        this(bridge, bindingName, source + ".events", source, acks, errors, commandTopics, null);
    }

    /**
     * @param eventsTopic the topic of {@code bindingName}, which names the {@code PRODUCER} spans
     * @param tracer      publishes traced events in {@code PRODUCER} spans; null for none
     */
    public StreamBridgePublisher(StreamBridge bridge, String bindingName, String eventsTopic, String source,
                                 SubscribableChannel acks, SubscribableChannel errors,
                                 java.util.Set<String> commandTopics, @Nullable Tracer tracer) {
        this.eventsTopic = eventsTopic;
        this.tracer = tracer;
        this.commandTopics = java.util.Set.copyOf(commandTopics);
        this.bridge = bridge;
        this.bindingName = bindingName;
        this.source = source;
        this.acks = acks;
        this.errors = errors;
    }

    @Override
    public void listen(Listener listener) {
        Objects.requireNonNull(listener);
        acks.subscribe(message -> {
            Long position = positionOf(message);
            if (position != null) {
                settled(position, null);
                listener.acknowledged(position);
            }
        });
        errors.subscribe(message -> {
            // only send failures: consumer errors reach the global error channel too, and a
            // service may consume its own topic
            if (message instanceof ErrorMessage error && error.getPayload() instanceof KafkaSendFailureException failure
                    && failure.getFailedMessage() != null) {
                Long position = positionOf(failure.getFailedMessage());
                if (position != null) {
                    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                    settled(position, cause);
                    listener.failed(position, cause);
                }
            }
        });
    }

    @Override
    public void publish(RecordedEvent event) {
        send(bindingName, event, eventsTopic);
    }

    @Override
    public void send(String topic, RecordedEvent event) {
        if (!commandTopics.contains(topic)) {
            throw new IllegalStateException("the relay has no binding for topic " + topic
                    + "; list it in eventshop.relay.command-topics");
        }
        send(RelayBindingDefaults.bindingFor(topic), event, topic);
    }

    private void send(String binding, RecordedEvent event, String topic) {
        Map<String, String> headers = EventHeaders.of(event, source);
        Span span = startSpan(event, topic, headers);
        try {
            Message<byte[]> message = MessageBuilder.withPayload(event.data())
                    .copyHeaders(headers)
                    .setHeader(KafkaHeaders.KEY, EventHeaders.key(event))
                    .setHeader(MessageHeaders.CONTENT_TYPE, JSON)
                    .build();
            if (!bridge.send(binding, message)) {
                throw new IllegalStateException("StreamBridge refused the event at position " + event.position()
                        + " for " + topic);
            }
        } catch (RuntimeException e) {
            if (span != null && publishing.remove(event.position(), span)) {
                span.error(e).end();
            }
            throw e;
        }
    }

    /** The PRODUCER span of a traced event, its context put into {@code headers}; null if not traced. */
    private @Nullable Span startSpan(RecordedEvent event, String topic, Map<String, String> headers) {
        if (tracer == null || TraceParent.in(headers).isEmpty()) {
            return null;
        }
        Span span = TraceParent.start(tracer, "publish " + topic, Span.Kind.PRODUCER, headers)
                .tag("messaging.system", "kafka").tag("messaging.destination.name", topic)
                .tag("event.type", event.type()).tag("event.id", event.eventId().toString())
                .tag("event.position", Long.toString(event.position()));
        headers.put(TraceParent.HEADER, TraceParent.of(span.context()).value());
        Span earlier = publishing.put(event.position(), span);
        if (earlier != null) {
            earlier.end(); // sent again after a restart from the checkpoint
        }
        return span;
    }

    private void settled(long position, @Nullable Throwable error) {
        Span span = publishing.remove(position);
        if (span != null) {
            if (error != null) {
                span.error(error);
            }
            span.end();
        }
    }

    private Long positionOf(Message<?> message) {
        if (!source.equals(EventHeaders.text(message.getHeaders().get(EventHeaders.SOURCE)))) {
            return null;
        }
        String position = EventHeaders.text(message.getHeaders().get(EventHeaders.SOURCE_POSITION));
        return position == null ? null : Long.valueOf(position);
    }
}
