package eventshop.functions;

import eventshop.contracts.accounts.AccountCommand;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.contracts.inventory.InventoryEvent;
import eventshop.contracts.orders.OrderEvent;
import eventshop.functions.handling.AccountLifecycle;
import eventshop.functions.handling.LowStock;
import eventshop.functions.handling.OrderNotices;
import eventshop.functions.messaging.EventFunction;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The function beans, each a stateless handler of one kind of event ({@code Function<Message<byte[]>,
 * Message<byte[]>>}, no output for events it has nothing to say about). Imported by the Kafka-bound
 * {@link FunctionsApplication} and by the Lambda entry point alike, so both run the same beans.
 */
@Configuration(proxyBeanMethods = false)
public class EventFunctions {

    @Bean
    public EventFunction<AccountEvent, AccountCommand> accountLifecycle() {
        return new EventFunction<>(new AccountLifecycle(), AccountEvent.class, AccountCommand.class);
    }

    @Bean
    public EventFunction<OrderEvent, AccountCommand> orderNotices() {
        return new EventFunction<>(new OrderNotices(), OrderEvent.class, AccountCommand.class);
    }

    @Bean
    public EventFunction<InventoryEvent, AccountCommand> lowStock(
            @Value("${eventshop.functions.low-stock-threshold:" + LowStock.DEFAULT_THRESHOLD + "}") int threshold) {
        return new EventFunction<>(new LowStock(threshold), InventoryEvent.class, AccountCommand.class);
    }
}
