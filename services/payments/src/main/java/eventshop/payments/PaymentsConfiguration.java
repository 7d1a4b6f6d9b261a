package eventshop.payments;

import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the features share. */
@Configuration(proxyBeanMethods = false)
class PaymentsConfiguration {

    /** Where event ids and card tokens come from (never the domain). */
    @Bean
    Supplier<UUID> ids() {
        return UUID::randomUUID;
    }
}
