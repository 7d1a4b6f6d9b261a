package eventshop.eventsourcing.relay;

import eventshop.eventstore.RecordedEvent;
import java.util.Objects;
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
                    listener.failed(position, failure.getCause() != null ? failure.getCause() : failure);
                }
            }
        });
    }

    @Override
    public void publish(RecordedEvent event) {
        send(bindingName, event, "its own topic");
    }

    @Override
    public void send(String topic, RecordedEvent event) {
        if (!commandTopics.contains(topic)) {
            throw new IllegalStateException("the relay has no binding for topic " + topic
                    + "; list it in eventshop.relay.command-topics");
        }
        send(RelayBindingDefaults.bindingFor(topic), event, topic);
    }

    private void send(String binding, RecordedEvent event, String destination) {
        Message<byte[]> message = MessageBuilder.withPayload(event.data())
                .copyHeaders(EventHeaders.of(event, source))
                .setHeader(KafkaHeaders.KEY, EventHeaders.key(event))
                .setHeader(MessageHeaders.CONTENT_TYPE, JSON)
                .build();
        if (!bridge.send(binding, message)) {
            throw new IllegalStateException("StreamBridge refused the event at position " + event.position()
                    + " for " + destination);
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
