package eventshop.functions;

import eventshop.contracts.Topics;
import eventshop.functions.handling.AccountLifecycle;
import eventshop.functions.handling.LowStock;
import eventshop.functions.handling.OrderNotices;
import java.util.List;

/**
 * Which topic each function reads and which it writes: the functions app binds them so
 * ({@code functions.yml}, checked against this list by a test), and the Lambda handler dispatches
 * the records of an MSK event by their topic with it.
 *
 * @param function    the function's bean name
 * @param inputTopic  the events it handles
 * @param outputTopic where its commands go
 */
public record FunctionBinding(String function, String inputTopic, String outputTopic) {

    public static final List<FunctionBinding> ALL = List.of(
            new FunctionBinding(AccountLifecycle.NAME, Topics.ACCOUNTS_EVENTS, Topics.ACCOUNTS_COMMANDS),
            new FunctionBinding(OrderNotices.NAME, Topics.ORDERS_EVENTS, Topics.ACCOUNTS_COMMANDS),
            new FunctionBinding(LowStock.NAME, Topics.INVENTORY_EVENTS, Topics.ACCOUNTS_COMMANDS));

    /** The consumer group the functions app reads {@link #inputTopic} in: {@code functions-<function>}. */
    public String group() {
        return "functions-" + function;
    }

    /**
     * Where a message this function cannot read is parked: the Kafka binder's dead-letter topic of the input binding,
     * {@code error.<input topic>.<group>}, which the functions app's {@code /actuator/parked} lists and replays. The
     * Lambda handler parks there too.
     */
    public String deadLetterTopic() {
        return "error." + inputTopic + "." + group();
    }
}
