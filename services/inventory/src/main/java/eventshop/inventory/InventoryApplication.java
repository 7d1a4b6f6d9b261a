package eventshop.inventory;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Inventory: stock per sku and reservations per order, all lines or none (DESIGN §5). */
@SpringBootApplication
public class InventoryApplication {

    /** The service, configured from {@code inventory.yml}; the launcher adds its own properties. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(InventoryApplication.class).properties("spring.config.name=inventory");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
