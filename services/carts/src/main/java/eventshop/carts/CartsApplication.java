package eventshop.carts;

import eventshop.carts.cart.Carts;
import eventshop.eventsourcing.ops.OpsAggregate;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/**
 * The carts service (port 8084): one event-sourced cart per customer, whose state is the Reactor
 * fold of its events ({@link eventshop.carts.cart.Carts}), priced from a local view of the catalog's
 * events ({@link eventshop.carts.prices.Prices}). Configuration in {@code carts.yml}.
 */
@SpringBootApplication
public class CartsApplication {

    /** The application with its configuration file, for {@code main} and the launcher. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(CartsApplication.class).main(CartsApplication.class)
                .properties("spring.config.name=carts");
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    /** Ids for new orders (and nothing else); a bean so tests can fix them. */
    @Bean
    public Supplier<UUID> ids() {
        return UUID::randomUUID;
    }

    /** The cart aggregate, for the operations console's stream view and its time travel. */
    @Bean
    public OpsAggregate cartAggregate(Carts carts) {
        return carts.opsAggregate();
    }
}
