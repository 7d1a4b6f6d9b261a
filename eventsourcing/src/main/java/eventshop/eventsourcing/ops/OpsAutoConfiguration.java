package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.config.EventSourcingAutoConfiguration;
import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.privacy.Sealing;
import eventshop.eventstore.EventStore;
import java.time.Clock;
import java.util.function.UnaryOperator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operations console's side in every service with a log: the audit of operators' actions ({@link OpsAudit}),
 * the masking of personal data ({@link PersonalData}) and the admin-only JSON endpoints under
 * {@value #BASE_PATH} (docs/operations.md), which edge routes as {@code /api/ops/<service>/**}.
 */
@AutoConfiguration(after = EventSourcingAutoConfiguration.class)
@ConditionalOnBean(EventStore.class)
@EnableConfigurationProperties(OpsProperties.class)
public class OpsAutoConfiguration {

    /** Where a service's console endpoints are: {@code /api/ops/<service name>}. */
    public static final String BASE_PATH = "/api/ops/${eventshop.service-name}";

    @Bean
    @ConditionalOnMissingBean
    public OpsAudit opsAudit(EventSourcingProperties properties, EventStore store, CommandContexts contexts,
                             Clock clock) {
        return new OpsAudit(properties.serviceName(), store, contexts, clock);
    }

    @Bean
    @ConditionalOnMissingBean
    public PersonalData personalData(OpsProperties properties,
                                     ObjectProvider<Sealing> sealing) {
        Sealing keys = sealing.getIfAvailable();
        return new PersonalData(properties.personalFields(), JsonMapper.builder().build(),
                keys == null ? UnaryOperator.identity() : keys::open);
    }

    /** The endpoints, in a servlet web application. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Endpoints {

        @Bean
        OpsAuditController opsAuditController(OpsAudit audit, PersonalData personal) {
            return new OpsAuditController(audit, personal);
        }
    }
}
