package eventshop.functions.lambda;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * AWS Lambda event payloads, as the MSK trigger and API Gateway (REST, proxy) send them. An MSK event
 * ({@code eventSource} {@code aws:kafka}): the records grouped under {@code "<topic>-<partition>"}, each with its
 * topic, partition, offset, timestamp and timestamp type, its key and value in base64 and its headers as a list of
 * one-entry objects {@code {"<name>": [<byte>, ...]}}, plus the cluster's ARN and bootstrap servers (the example
 * payloads of the Lambda developer guide and {@code aws-lambda-java-events}' {@code KafkaEvent}).
 */
final class LambdaEvents {

    /** The cluster every MSK event here names. */
    static final String CLUSTER_ARN =
            "arn:aws:kafka:eu-west-1:123456789012:cluster/eventshop/abcd1234-0123-4567-89ab-cdef01234567-1";

    private LambdaEvents() {
    }

    /** One Kafka record of an MSK event, written by hand. */
    record KafkaRecord(String topic, int partition, long offset, String key, Map<String, String> headers, String value) {
    }

    /** A record as the trigger hands it over: raw key, value and headers. */
    private record Raw(String topic, int partition, long offset, long timestamp, String timestampType, byte[] key,
                       byte[] value, List<Map.Entry<String, byte[]>> headers) {
    }

    /** An MSK event with {@code records} (UTF-8 text), from the cluster at {@code bootstrapServers}. */
    static String msk(List<KafkaRecord> records, String bootstrapServers) {
        return json(records.stream().map(record -> new Raw(record.topic(), record.partition(), record.offset(),
                1767268800000L, "CREATE_TIME", utf8(record.key()), utf8(record.value()),
                record.headers().entrySet().stream().map(header -> Map.entry(header.getKey(), utf8(header.getValue())))
                        .toList())).toList(), bootstrapServers);
    }

    /** The MSK event the trigger makes of {@code records} read from the cluster at {@code bootstrapServers}. */
    static String mskOf(List<ConsumerRecord<String, byte[]>> records, String bootstrapServers) {
        List<Raw> raw = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
            for (Header header : record.headers()) {
                headers.add(Map.entry(header.key(), header.value()));
            }
            raw.add(new Raw(record.topic(), record.partition(), record.offset(), record.timestamp(),
                    record.timestampType().name(), record.key() == null ? null : utf8(record.key()), record.value(),
                    headers));
        }
        return json(raw, bootstrapServers);
    }

    private static String json(List<Raw> records, String bootstrapServers) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Raw record : records) {
            String headers = record.headers().stream()
                    .map(header -> "{\"" + header.getKey() + "\":" + bytes(header.getValue()) + "}")
                    .collect(Collectors.joining(",", "[", "]"));
            groups.computeIfAbsent(record.topic() + "-" + record.partition(), group -> new ArrayList<>()).add("""
                    {"topic":"%s","partition":%d,"offset":%d,"timestamp":%d,"timestampType":"%s",%s\
                    "value":"%s","headers":%s}""".formatted(record.topic(), record.partition(), record.offset(),
                    record.timestamp(), record.timestampType(),
                    record.key() == null ? "" : "\"key\":\"" + base64(record.key()) + "\",", base64(record.value()),
                    headers));
        }
        String grouped = groups.entrySet().stream()
                .map(group -> "\"" + group.getKey() + "\":[" + String.join(",", group.getValue()) + "]")
                .collect(Collectors.joining(",", "{", "}"));
        return """
                {"eventSource":"aws:kafka","eventSourceArn":"%s","bootstrapServers":"%s","records":%s}"""
                .formatted(CLUSTER_ARN, bootstrapServers, grouped);
    }

    /** An API Gateway (REST API, Lambda proxy integration) POST with {@code headers} and {@code body}. */
    static String apiGatewayPost(String path, Map<String, String> headers, String body) {
        String headerJson = headers.entrySet().stream().map(h -> "\"" + h.getKey() + "\":\"" + h.getValue() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
        String multi = headers.entrySet().stream().map(h -> "\"" + h.getKey() + "\":[\"" + h.getValue() + "\"]")
                .collect(Collectors.joining(",", "{", "}"));
        return """
                {"resource":"%s","path":"%s","httpMethod":"POST","headers":%s,"multiValueHeaders":%s,\
                "queryStringParameters":null,"multiValueQueryStringParameters":null,"pathParameters":null,\
                "stageVariables":null,"requestContext":{"resourcePath":"%s","httpMethod":"POST","stage":"prod",\
                "requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef","identity":{"sourceIp":"192.0.2.10"}},\
                "body":%s,"isBase64Encoded":false}""".formatted(path, path, headerJson, multi, path,
                "\"" + body.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes == null ? new byte[0] : bytes);
    }

    private static String bytes(byte[] bytes) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < bytes.length; i++) {
            json.append(i == 0 ? "" : ",").append(bytes[i]);
        }
        return json.append(']').toString();
    }
}
