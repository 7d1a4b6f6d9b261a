package eventshop.functions.lambda;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Synthetic AWS Lambda event payloads, as the MSK trigger and API Gateway (REST, proxy) send them. */
final class LambdaEvents {

    private LambdaEvents() {
    }

    /** One Kafka record of an MSK event. */
    record KafkaRecord(String topic, int partition, long offset, String key, Map<String, String> headers, String value) {
    }

    /** An MSK event with {@code records}, grouped by topic-partition; values and keys base64, headers as byte arrays. */
    static String msk(List<KafkaRecord> records) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (KafkaRecord record : records) {
            String headers = record.headers().entrySet().stream()
                    .map(header -> "{\"" + header.getKey() + "\":" + bytes(header.getValue()) + "}")
                    .collect(Collectors.joining(",", "[", "]"));
            groups.computeIfAbsent(record.topic() + "-" + record.partition(), group -> new ArrayList<>()).add("""
                    {"topic":"%s","partition":%d,"offset":%d,"timestamp":1767268800000,"timestampType":"CREATE_TIME",\
                    "key":"%s","value":"%s","headers":%s}""".formatted(record.topic(), record.partition(),
                    record.offset(), base64(record.key()), base64(record.value()), headers));
        }
        String grouped = groups.entrySet().stream()
                .map(group -> "\"" + group.getKey() + "\":" + String.join(",", group.getValue()).transform(r -> "[" + r + "]"))
                .collect(Collectors.joining(",", "{", "}"));
        return """
                {"eventSource":"aws:kafka",\
                "eventSourceArn":"arn:aws:kafka:eu-west-1:123456789012:cluster/eventshop/abcd1234-0123-4567-89ab-cdef01234567-1",\
                "bootstrapServers":"b-1.eventshop.kafka.eu-west-1.amazonaws.com:9092","records":%s}""".formatted(grouped);
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

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String bytes(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < bytes.length; i++) {
            json.append(i == 0 ? "" : ",").append(bytes[i]);
        }
        return json.append(']').toString();
    }
}
