package eventshop.payments;

import eventshop.eventsourcing.ops.OpsAggregate;
import eventshop.payments.cards.Cards;
import eventshop.payments.payment.Payments;
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

    /** The aggregates, for the operations console's stream view and its time travel. */
    @Bean
    OpsAggregate cardAggregate(Cards cards) {
        return cards.opsAggregate();
    }

    @Bean
    OpsAggregate paymentAggregate(Payments payments) {
        return payments.opsAggregate();
    }
}
