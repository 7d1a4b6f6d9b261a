package eventshop.functions.lambda;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/**
 * The Lambda handler's Kafka producer: sends what the functions derive from an MSK batch and returns only once the
 * broker has acknowledged every record ({@link #publish}), because a Lambda that returns before its sends are
 * acknowledged is frozen with them in its buffer, and a failed send must fail the invocation so the trigger
 * redelivers the batch.
 *
 * <p><b>Settings.</b> The producer properties are the environment's {@code EVENTSHOP_KAFKA_*} variables (Spring
 * binds them as {@code eventshop.kafka.*}: {@code EVENTSHOP_KAFKA_SECURITY_PROTOCOL} is {@code security.protocol},
 * {@code EVENTSHOP_KAFKA_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}), passed to Kafka as they are, over the
 * {@link #DEFAULTS}. Without {@code bootstrap.servers} it connects to the cluster the batch came from (the MSK event's
 * {@code bootstrapServers}). Always idempotent with {@code acks=all} and byte-array serializers, whatever is
 * configured ({@link #FIXED}).
 *
 * <p><b>Lifecycle.</b> One producer per container, created at the first batch that has something to send (an API
 * Gateway invocation or a batch without output never connects) and kept across invocations; closed by
 * {@link #close()} when the Spring context closes (the JVM's shutdown hook). A failed send closes it at once (an
 * idempotent producer's failed sequence may be unrecoverable) and the next invocation opens a new one.
 *
 * <p>Thread-safe: {@link #publish} is synchronized (Lambda hands a container one invocation at a time).
 */
public final class LambdaProducer implements AutoCloseable {

    /** Where the settings are bound from: {@code eventshop.kafka.*}, or the environment's {@code EVENTSHOP_KAFKA_*}. */
    public static final String PREFIX = "eventshop.kafka";

    /**
     * Defaults that keep a send bounded well inside a Lambda's timeout: a send that cannot reach a broker fails after
     * {@code max.block.ms} (10 s), one that is not acknowledged after {@code delivery.timeout.ms} (30 s). Override
     * them with {@code EVENTSHOP_KAFKA_MAX_BLOCK_MS}, {@code EVENTSHOP_KAFKA_DELIVERY_TIMEOUT_MS} and
     * {@code EVENTSHOP_KAFKA_REQUEST_TIMEOUT_MS} (Kafka requires delivery ≥ linger + request timeout).
     */
    public static final Map<String, String> DEFAULTS = Map.of(
            ProducerConfig.CLIENT_ID_CONFIG, "eventshop-functions-lambda",
            ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000",
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000",
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000",
            ProducerConfig.LINGER_MS_CONFIG, "5");

    /** What no setting changes: the records a redelivered batch derives again must not be written twice by a retry. */
    public static final Map<String, String> FIXED = Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

    private static final Log LOG = LogFactory.getLog(LambdaProducer.class);

    private final Map<String, String> settings;
    private final Function<Map<String, Object>, Producer<byte[], byte[]>> factory;
    private @Nullable Producer<byte[], byte[]> producer;

    /** A producer with {@code settings} (Kafka property names) over the {@link #DEFAULTS}. */
    public LambdaProducer(Map<String, String> settings) {
        this(settings, KafkaProducer::new);
    }

    LambdaProducer(Map<String, String> settings, Function<Map<String, Object>, Producer<byte[], byte[]>> factory) {
        this.settings = Map.copyOf(settings);
        this.factory = factory;
    }

    /**
     * The properties the producer is created with: the settings over the {@link #DEFAULTS}, then the {@link #FIXED}
     * ones, and {@code clusterBootstrapServers} when no {@code bootstrap.servers} is configured.
     */
    Map<String, Object> properties(@Nullable String clusterBootstrapServers) {
        Map<String, Object> properties = new LinkedHashMap<>(DEFAULTS);
        properties.putAll(settings);
        properties.putAll(FIXED);
        if (!properties.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            if (clusterBootstrapServers == null || clusterBootstrapServers.isBlank()) {
                throw new IllegalStateException("no Kafka cluster to publish to: set EVENTSHOP_KAFKA_BOOTSTRAP_SERVERS"
                        + " (the MSK event named none)");
            }
            properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, clusterBootstrapServers);
        }
        return properties;
    }

    /**
     * Sends {@code records} in order and waits until the broker has acknowledged each; nothing is sent (and no
     * producer created) when there are none.
     *
     * @param clusterBootstrapServers the MSK event's {@code bootstrapServers}, used when none are configured
     * @throws PublishFailed if a record could not be sent or was not acknowledged (in time): the invocation must fail
     */
    public synchronized void publish(List<ProducerRecord<byte[], byte[]>> records,
                                     @Nullable String clusterBootstrapServers) {
        if (records.isEmpty()) {
            return;
        }
        if (producer == null) {
            producer = factory.apply(properties(clusterBootstrapServers));
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        ProducerRecord<byte[], byte[]> current = null;
        try {
            for (ProducerRecord<byte[], byte[]> record : records) {
                current = record;
                Future<RecordMetadata> ack = producer.send(record);
                if (ack.isDone()) {
                    ack.get(); // failed at once (no metadata within max.block.ms, too large...): send no more
                }
                acks.add(ack);
            }
            producer.flush();
            for (int i = 0; i < acks.size(); i++) {
                current = records.get(i);
                acks.get(i).get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(current, e);
        } catch (ExecutionException e) {
            throw failed(current, e.getCause() == null ? e : e.getCause());
        } catch (RuntimeException e) {
            throw failed(current, e);
        }
    }

    private PublishFailed failed(@Nullable ProducerRecord<byte[], byte[]> record, Throwable cause) {
        discard();
        String what = record == null ? "a record" : "a record to " + record.topic();
        LOG.warn("sending " + what + " failed, the invocation fails so that the batch is redelivered: " + cause);
        return new PublishFailed("sending " + what + " failed: " + cause, cause);
    }

    private void discard() {
        Producer<byte[], byte[]> failed = producer;
        producer = null;
        if (failed != null) {
            try {
                failed.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.debug("closing the failed producer", e);
            }
        }
    }

    /** Whether a producer is open (created by a publish, not closed since). */
    synchronized boolean isOpen() {
        return producer != null;
    }

    /** Flushes and closes the producer, if one was opened; waits up to 5 s for what is still in flight. */
    @Override
    public synchronized void close() {
        Producer<byte[], byte[]> open = producer;
        producer = null;
        if (open != null) {
            open.close(Duration.ofSeconds(5));
        }
    }

    /** A record the functions derived from a batch could not be published: the invocation fails. */
    public static final class PublishFailed extends RuntimeException {

        PublishFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
