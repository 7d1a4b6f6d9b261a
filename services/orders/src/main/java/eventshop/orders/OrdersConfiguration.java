package eventshop.orders;

import eventshop.eventsourcing.ops.OpsAggregate;
import eventshop.orders.order.Orders;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the features share. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OrdersProperties.class)
class OrdersConfiguration {

    /** Where event ids come from (never the domain). */
    @Bean
    Supplier<UUID> ids() {
        return UUID::randomUUID;
    }

    /** The order aggregate, for the operations console's stream view and its time travel. */
    @Bean
    OpsAggregate orderAggregate(Orders orders) {
        return orders.opsAggregate();
    }
}
