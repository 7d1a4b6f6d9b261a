package eventshop.web;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.ComponentScan;

/**
 * The storefront (DESIGN §10): pages at {@code /} behind edge, a backend-for-frontend that calls the services'
 * APIs as the customer ({@code ServiceCalls} relays the services token edge minted for the request), and live
 * updates pushed as server-sent events from the public topics ({@code orders.events}, {@code inventory.events},
 * {@code accounts.events}). No event store and no data of its own. Port 8089, {@code web.yml}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan
public class WebApplication {

    public static final String CONFIG_NAME = "web";

    /** A builder reading {@code web.yml}; the launcher adds its own properties and runs it. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(WebApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
