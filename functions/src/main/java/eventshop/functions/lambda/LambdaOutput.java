package eventshop.functions.lambda;

import java.util.List;
import java.util.Map;

/**
 * What the MSK entry point answers: the commands the functions produced for the batch, in record
 * order, each as the Kafka record the functions app would have sent.
 */
public record LambdaOutput(List<Command> commands) {

    /**
     * @param function the function that produced it
     * @param topic    where it goes ({@code accounts.commands}, {@code inventory.commands})
     * @param key      the record key
     * @param headers  {@code event-id}, {@code event-type}, {@code correlation-id}, {@code causation-id}, trace context
     * @param value    the command's JSON
     */
    public record Command(String function, String topic, String key, Map<String, String> headers, String value) {
    }
}
