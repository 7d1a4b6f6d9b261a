package eventshop.functions.lambda;

import eventshop.functions.FunctionBinding;
import eventshop.functions.messaging.EventFunction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The MSK entry point: each record of the batch goes to the functions bound to its topic
 * ({@link FunctionBinding#ALL}, as in the functions app), and the commands they answer come back as
 * {@link LambdaOutput}. A malformed record fails the invocation, so the trigger retries the batch
 * (at least once, like the Kafka binding; the derived command ids make a repeat harmless).
 */
@Configuration(proxyBeanMethods = false)
public class KafkaEvents {

    public static final String NAME = "kafkaEvents";
    private static final String KEY_HEADER = "kafka_messageKey";
    private static final String RECEIVED_KEY_HEADER = "kafka_receivedMessageKey";

    @Bean(NAME)
    public Function<MskEvent, LambdaOutput> kafkaEvents(ListableBeanFactory beans) {
        Map<String, EventFunction<?, ?>> functions = new LinkedHashMap<>();
        for (FunctionBinding binding : FunctionBinding.ALL) {
            functions.put(binding.function(), beans.getBean(binding.function(), EventFunction.class));
        }
        return event -> handle(event, functions);
    }

    static LambdaOutput handle(MskEvent event, Map<String, EventFunction<?, ?>> functions) {
        List<LambdaOutput.Command> commands = new ArrayList<>();
        if (event.records() == null) {
            return new LambdaOutput(commands);
        }
        for (List<MskEvent.Record> records : event.records().values()) {
            for (MskEvent.Record record : records) {
                Message<byte[]> message = toMessage(record);
                for (FunctionBinding binding : FunctionBinding.ALL) {
                    if (binding.inputTopic().equals(record.topic())) {
                        functions.get(binding.function()).handle(message)
                                .ifPresent(out -> commands.add(toCommand(binding, out)));
                    }
                }
            }
        }
        return new LambdaOutput(commands);
    }

    private static Message<byte[]> toMessage(MskEvent.Record record) {
        byte[] value = record.value() == null ? new byte[0] : Base64.getDecoder().decode(record.value());
        MessageBuilder<byte[]> builder = MessageBuilder.withPayload(value);
        if (record.headers() != null) {
            for (Map<String, byte[]> header : record.headers()) {
                header.forEach(builder::setHeader);
            }
        }
        if (record.key() != null) {
            builder.setHeader(RECEIVED_KEY_HEADER, Base64.getDecoder().decode(record.key()));
        }
        return builder.build();
    }

    private static LambdaOutput.Command toCommand(FunctionBinding binding, Message<byte[]> out) {
        Map<String, String> headers = new LinkedHashMap<>();
        String key = null;
        for (Map.Entry<String, Object> header : out.getHeaders().entrySet()) {
            String name = header.getKey();
            if (name.equals(KEY_HEADER)) {
                key = new String((byte[]) header.getValue(), StandardCharsets.UTF_8);
            } else if (!name.equals(MessageHeaders.ID) && !name.equals(MessageHeaders.TIMESTAMP)
                    && !name.equals(MessageHeaders.CONTENT_TYPE)) {
                headers.put(name, String.valueOf(header.getValue()));
            }
        }
        return new LambdaOutput.Command(binding.function(), binding.outputTopic(), key, headers,
                new String(out.getPayload(), StandardCharsets.UTF_8));
    }
}
