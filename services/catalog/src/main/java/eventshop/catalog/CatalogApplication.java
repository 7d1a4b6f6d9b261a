package eventshop.catalog;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

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
}
