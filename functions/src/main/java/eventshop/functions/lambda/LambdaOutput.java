package eventshop.functions.lambda;

import java.util.List;
import java.util.Map;

/**
 * What the MSK entry point answers once it has published them: the commands the functions produced for the batch,
 * in record order, each as the Kafka record the functions app would have sent, and the records it parked.
 *
 * @param commands what was published to the command topics
 * @param parked   the records no function could read, published to their dead-letter topics
 */
public record LambdaOutput(List<Command> commands, List<Parked> parked) {

    /**
     * @param function the function that produced it
     * @param topic    where it goes ({@code accounts.commands}, {@code inventory.commands})
     * @param key      the record key
     * @param headers  {@code event-id}, {@code event-type}, {@code correlation-id}, {@code causation-id}, trace
     *                 context, {@code contentType}
     * @param value    the command's JSON
     */
    public record Command(String function, String topic, String key, Map<String, String> headers, String value) {
    }

    /**
     * @param function        the function that could not read it
     * @param deadLetterTopic where it was parked
     * @param topic           where it was read, with its partition and offset
     * @param reason          why ({@code MalformedMessage}'s message)
     */
    public record Parked(String function, String deadLetterTopic, String topic, int partition, long offset,
                         String reason) {
    }
}
