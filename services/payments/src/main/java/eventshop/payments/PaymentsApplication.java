package eventshop.payments;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Payments: card tokenization and one payment per order against a simulated processor (DESIGN §5). */
@SpringBootApplication
public class PaymentsApplication {

    /** The service, configured from {@code payments.yml}; the launcher adds its own properties. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(PaymentsApplication.class).properties("spring.config.name=payments");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
