package eventshop.functions.lambda;

import static eventshop.eventsourcing.consuming.ParkedMessages.EXCEPTION_FQCN;
import static eventshop.eventsourcing.consuming.ParkedMessages.EXCEPTION_MESSAGE;
import static eventshop.eventsourcing.consuming.ParkedMessages.EXCEPTION_STACKTRACE;
import static eventshop.eventsourcing.consuming.ParkedMessages.ORIGINAL_OFFSET;
import static eventshop.eventsourcing.consuming.ParkedMessages.ORIGINAL_PARTITION;
import static eventshop.eventsourcing.consuming.ParkedMessages.ORIGINAL_TOPIC;

import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.functions.FunctionBinding;
import eventshop.functions.messaging.EventFunction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The MSK entry point: each record of the batch goes to the functions bound to its topic
 * ({@link FunctionBinding#ALL}, as in the functions app), and the commands they derive are published to their topics
 * by the {@link LambdaProducer}, as the functions app would send them (same topic, key, headers and value); the
 * invocation returns only once the broker has acknowledged all of them, and fails if any send fails, so the trigger
 * redelivers the batch. A redelivered batch derives the same command ids ({@code DerivedIds}), and the receivers'
 * exactly-once consumers apply each once. The answer ({@link LambdaOutput}) says what was published.
 *
 * <p>As in the functions app, an event type the contract does not know gives no output, and a record a function
 * cannot read ({@link MalformedMessage}: no event id or type, a payload that is not the type's JSON) is parked, not
 * retried: it goes to the function's dead-letter topic ({@link FunctionBinding#deadLetterTopic()}) with the Kafka
 * binder's {@code x-original-*} and {@code x-exception-*} headers, where the functions app's {@code /actuator/parked}
 * lists and replays it, and the rest of the batch goes on. Any other failure fails the invocation.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaEvents {

    public static final String NAME = "kafkaEvents";
    private static final String KEY_HEADER = "kafka_messageKey";
    private static final String RECEIVED_KEY_HEADER = "kafka_receivedMessageKey";

    /** What one batch gives: the answer, and the records to publish for it (in the batch's order). */
    record Batch(LambdaOutput output, List<ProducerRecord<byte[], byte[]>> records) {
    }

    @Bean(NAME)
    public Function<MskEvent, LambdaOutput> kafkaEvents(ListableBeanFactory beans, LambdaProducer producer) {
        Map<String, EventFunction<?, ?>> functions = new LinkedHashMap<>();
        for (FunctionBinding binding : FunctionBinding.ALL) {
            functions.put(binding.function(), beans.getBean(binding.function(), EventFunction.class));
        }
        return event -> {
            Batch batch = handle(event, functions);
            producer.publish(batch.records(), event.bootstrapServers());
            return batch.output();
        };
    }

    /** One producer per container ({@link LambdaProducer}), with the {@code eventshop.kafka.*} settings. */
    @Bean(destroyMethod = "close")
    public LambdaProducer lambdaProducer(Environment environment) {
        return new LambdaProducer(Binder.get(environment)
                .bind(LambdaProducer.PREFIX, Bindable.mapOf(String.class, String.class)).orElse(Map.of()));
    }

    static Batch handle(MskEvent event, Map<String, EventFunction<?, ?>> functions) {
        List<LambdaOutput.Command> commands = new ArrayList<>();
        List<LambdaOutput.Parked> parked = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        if (event.records() != null) {
            for (List<MskEvent.Record> batch : event.records().values()) {
                for (MskEvent.Record record : batch) {
                    Message<byte[]> message = toMessage(record);
                    for (FunctionBinding binding : FunctionBinding.ALL) {
                        if (!binding.inputTopic().equals(record.topic())) {
                            continue;
                        }
                        try {
                            functions.get(binding.function()).handle(message).ifPresent(out -> {
                                LambdaOutput.Command command = toCommand(binding, out);
                                commands.add(command);
                                records.add(toRecord(command));
                            });
                        } catch (MalformedMessage malformed) {
                            parked.add(new LambdaOutput.Parked(binding.function(), binding.deadLetterTopic(),
                                    record.topic(), record.partition(), record.offset(), malformed.getMessage()));
                            records.add(toParked(binding, record, malformed));
                        }
                    }
                }
            }
        }
        return new Batch(new LambdaOutput(commands, parked), records);
    }

    private static Message<byte[]> toMessage(MskEvent.Record record) {
        MessageBuilder<byte[]> builder = MessageBuilder.withPayload(decode(record.value()));
        if (record.headers() != null) {
            for (Map<String, byte[]> header : record.headers()) {
                header.forEach(builder::setHeader);
            }
        }
        if (record.key() != null) {
            builder.setHeader(RECEIVED_KEY_HEADER, decode(record.key()));
        }
        return builder.build();
    }

    private static byte[] decode(String base64) {
        return base64 == null ? new byte[0] : Base64.getDecoder().decode(base64);
    }

    /** The command as the functions app sends it: {@link EventFunction}'s headers, but Spring's own id and timestamp. */
    private static LambdaOutput.Command toCommand(FunctionBinding binding, Message<byte[]> out) {
        Map<String, String> headers = new LinkedHashMap<>();
        String key = null;
        for (Map.Entry<String, Object> header : out.getHeaders().entrySet()) {
            String name = header.getKey();
            if (name.equals(KEY_HEADER)) {
                key = new String((byte[]) header.getValue(), StandardCharsets.UTF_8);
            } else if (!name.equals(MessageHeaders.ID) && !name.equals(MessageHeaders.TIMESTAMP)) {
                headers.put(name, String.valueOf(header.getValue()));
            }
        }
        return new LambdaOutput.Command(binding.function(), binding.outputTopic(), key, headers,
                new String(out.getPayload(), StandardCharsets.UTF_8));
    }

    private static ProducerRecord<byte[], byte[]> toRecord(LambdaOutput.Command command) {
        RecordHeaders headers = new RecordHeaders();
        command.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(command.topic(), null,
                command.key() == null ? null : command.key().getBytes(StandardCharsets.UTF_8),
                command.value().getBytes(StandardCharsets.UTF_8), headers);
    }

    /** The record as the Kafka binder parks it: its key, value and headers, and where it came from and why. */
    private static ProducerRecord<byte[], byte[]> toParked(FunctionBinding binding, MskEvent.Record record,
                                                           MalformedMessage malformed) {
        RecordHeaders headers = new RecordHeaders();
        if (record.headers() != null) {
            for (Map<String, byte[]> header : record.headers()) {
                header.forEach(headers::add);
            }
        }
        // ParkedMessages' header names are constants, compiled in here: the aws jar needs none of its classes
        headers.add(ORIGINAL_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(ORIGINAL_PARTITION, ByteBuffer.allocate(Integer.BYTES).putInt(record.partition()).array());
        headers.add(ORIGINAL_OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(record.offset()).array());
        headers.add(EXCEPTION_FQCN, malformed.getClass().getName().getBytes(StandardCharsets.UTF_8));
        headers.add(EXCEPTION_MESSAGE, String.valueOf(malformed.getMessage()).getBytes(StandardCharsets.UTF_8));
        StringWriter trace = new StringWriter();
        malformed.printStackTrace(new PrintWriter(trace));
        headers.add(EXCEPTION_STACKTRACE, trace.toString().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(binding.deadLetterTopic(), null, record.key() == null ? null : decode(record.key()),
                record.value() == null ? null : decode(record.value()), headers);
    }
}
