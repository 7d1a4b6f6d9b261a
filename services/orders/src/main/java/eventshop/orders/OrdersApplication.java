package eventshop.orders;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Orders (port 8085): the order aggregate, which is also the checkout saga (DESIGN §5). Places an order
 * from each {@code CartCheckedOut}, drives it through inventory and payments with commands its log relay
 * sends, compensates, and serves {@code /api/orders}. Configuration in {@code orders.yml}.
 */
@SpringBootApplication
public class OrdersApplication {

    /** The service, configured from {@code orders.yml}; the launcher adds its own properties. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(OrdersApplication.class).main(OrdersApplication.class)
                .properties("spring.config.name=orders");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
