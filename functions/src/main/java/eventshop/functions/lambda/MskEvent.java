package eventshop.functions.lambda;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * The event an Amazon MSK (or self-managed Kafka) trigger hands a Lambda function: a batch of
 * records grouped by {@code <topic>-<partition>}, each with its value (and key) in base64 and its
 * headers as lists of {@code {name: [bytes]}}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MskEvent(String eventSource, String eventSourceArn, String bootstrapServers,
                       Map<String, List<Record>> records) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Record(String topic, int partition, long offset, long timestamp, String timestampType, String key,
                         String value, List<Map<String, byte[]>> headers) {
    }
}
