package eventshop.inventory;

import eventshop.eventsourcing.ops.OpsAggregate;
import eventshop.inventory.reservations.Reservations;
import eventshop.inventory.stock.Stocks;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the features share. */
@Configuration(proxyBeanMethods = false)
class InventoryConfiguration {

    /** Where event ids come from (never the domain). */
    @Bean
    Supplier<UUID> ids() {
        return UUID::randomUUID;
    }

    /** The aggregates, for the operations console's stream view and its time travel. */
    @Bean
    OpsAggregate stockAggregate(Stocks stocks) {
        return stocks.opsAggregate();
    }

    @Bean
    OpsAggregate reservationAggregate(Reservations reservations) {
        return reservations.opsAggregate();
    }
}
