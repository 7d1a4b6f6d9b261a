package eventshop.catalog;

import eventshop.catalog.products.Products;
import eventshop.eventsourcing.ops.OpsAggregate;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/** The catalog service: products with integer-cent prices, the product listing, and stock availability. */
@SpringBootApplication
public class CatalogApplication {

    /** The service's application, configured from {@code catalog.yml}; the launcher adds its own properties. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(CatalogApplication.class).properties("spring.config.name=catalog");
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The product aggregate, for the operations console's stream view and its time travel. */
    @Bean
    public OpsAggregate productAggregate(Products products) {
        return products.opsAggregate();
    }
}
