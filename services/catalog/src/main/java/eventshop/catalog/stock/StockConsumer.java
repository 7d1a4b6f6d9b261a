package eventshop.catalog.stock;

import eventshop.eventsourcing.consuming.ExactlyOnce;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** The binding {@code onInventoryEvents-in-0} ({@code inventory.events}, group {@code catalog}) feeds the stock levels. */
@Configuration(proxyBeanMethods = false)
class StockConsumer {

    @Bean
    Consumer<Message<byte[]>> onInventoryEvents(ExactlyOnce exactlyOnce, StockLevels stockLevels) {
        return exactlyOnce.consumer(StockLevels.CONSUMER, stockLevels::on);
    }
}
