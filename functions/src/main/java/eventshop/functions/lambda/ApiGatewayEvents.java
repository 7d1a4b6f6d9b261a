package eventshop.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.functions.FunctionBinding;
import eventshop.functions.messaging.EventFunction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The HTTP entry point (API Gateway REST API, Lambda proxy integration): {@code POST .../<function>}
 * with an event as the body and its envelope as headers ({@code event-id}, {@code event-type},
 * optionally {@code correlation-id}, {@code traceparent}) runs that function; the answer is the
 * command's JSON with its headers ({@code event-id}, {@code event-type}, {@code causation-id},
 * {@code correlation-id}, {@code kafka-key}), 204 when the event calls for none, 400 for a malformed
 * event and 404 for a path that names no function. Header names are matched case-insensitively.
 */
@Configuration(proxyBeanMethods = false)
public class ApiGatewayEvents {

    public static final String NAME = "apiGateway";
    private static final String KEY_HEADER = "kafka_messageKey";

    @Bean(NAME)
    public Function<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> apiGateway(ListableBeanFactory beans) {
        Map<String, EventFunction<?, ?>> functions = new LinkedHashMap<>();
        for (FunctionBinding binding : FunctionBinding.ALL) {
            functions.put(binding.function(), beans.getBean(binding.function(), EventFunction.class));
        }
        return request -> handle(request, functions);
    }

    static APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent request,
                                               Map<String, EventFunction<?, ?>> functions) {
        String path = request.getPath() == null ? "" : request.getPath();
        EventFunction<?, ?> function = functions.get(path.substring(path.lastIndexOf('/') + 1));
        if (function == null) {
            return response(404, Map.of(), "{\"title\":\"no function at " + path.replace("\"", "") + "\"}");
        }
        MessageBuilder<byte[]> message = MessageBuilder.withPayload(body(request));
        if (request.getHeaders() != null) {
            request.getHeaders().forEach((name, value) -> message.setHeader(name.toLowerCase(java.util.Locale.ROOT), value));
        }
        Optional<Message<byte[]>> out;
        try {
            out = function.handle(message.build());
        } catch (MalformedMessage e) {
            return response(400, Map.of(), "{\"title\":\"malformed event\",\"detail\":\""
                    + e.getMessage().replace("\\", "\\\\").replace("\"", "'") + "\"}");
        }
        if (out.isEmpty()) {
            return response(204, Map.of(), null);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        out.get().getHeaders().forEach((name, value) -> {
            if (name.equals(KEY_HEADER)) {
                headers.put("kafka-key", new String((byte[]) value, StandardCharsets.UTF_8));
            } else if (!name.equals(MessageHeaders.ID) && !name.equals(MessageHeaders.TIMESTAMP)) {
                headers.put(name.equals(MessageHeaders.CONTENT_TYPE) ? "Content-Type" : name, String.valueOf(value));
            }
        });
        return response(200, headers, new String(out.get().getPayload(), StandardCharsets.UTF_8));
    }

    private static byte[] body(APIGatewayProxyRequestEvent request) {
        if (request.getBody() == null) {
            return new byte[0];
        }
        return Boolean.TRUE.equals(request.getIsBase64Encoded()) ? Base64.getDecoder().decode(request.getBody())
                : request.getBody().getBytes(StandardCharsets.UTF_8);
    }

    private static APIGatewayProxyResponseEvent response(int status, Map<String, String> headers, String body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (body != null) {
            all.putIfAbsent("Content-Type", "application/json");
        }
        return new APIGatewayProxyResponseEvent().withStatusCode(status).withHeaders(all).withBody(body)
                .withIsBase64Encoded(false);
    }
}
