package eventshop.views;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The views service: the query side of the store, built only from the other services' Kafka topics
 * (order history, product listing with availability, admin dashboards), rebuildable at any time.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ViewsApplication {

    /** The service's application, configured from {@code views.yml}; the launcher adds its own properties. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ViewsApplication.class).properties("spring.config.name=views");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
