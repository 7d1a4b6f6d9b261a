package eventshop.eventsourcing.ops;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.config.EventSourcingAutoConfiguration;
import eventshop.eventsourcing.consuming.InMemoryDeadLetterTopics;
import eventshop.eventsourcing.consuming.ParkedMessages;
import eventshop.eventsourcing.projection.ProjectionAutoConfiguration;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.ConversionService;

/** Which parts of the console a service gets: each where it has what the part shows. */
class OpsActionsAutoConfigurationTest {

    private static final AutoConfigurations OPS = AutoConfigurations.of(EventSourcingAutoConfiguration.class,
            OpsAutoConfiguration.class, OpsActionsAutoConfiguration.class);

    private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(OPS)
            .withBean(ConfigurableApplicationContext.CONVERSION_SERVICE_BEAN_NAME, ConversionService.class,
                    ApplicationConversionService::getSharedInstance)
            .withPropertyValues("eventshop.service-name=orders", "eventshop.eventstore.engine=memory");

    @Test
    void aServiceWithALogOnly_getsTheOverview_withoutReadModelsOrParkedMessages() {
        web.run(context -> {
            assertThat(context).hasSingleBean(OpsOverviewController.class).hasSingleBean(OpsSampler.class)
                    .doesNotHaveBean(OpsProjectionsController.class).doesNotHaveBean(OpsParkedController.class);
            OpsOverview.Overview overview = context.getBean(OpsOverview.class).overview();
            assertThat(overview.service()).isEqualTo("orders");
            assertThat(overview.relay()).isNull();
            assertThat(overview.consumers()).isEqualTo(List.of());
            assertThat(overview.projections()).isEqualTo(List.of());
            assertThat(overview.parked()).isEqualTo(List.of());
        });
    }

    @Test
    void readModelsAndParkedMessages_bringTheirEndpoints() {
        web.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        ProjectionAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:ops-actions-conditions")
                .withUserConfiguration(Parked.class)
                .run(context -> assertThat(context).hasSingleBean(OpsProjectionsController.class)
                        .hasSingleBean(OpsParkedController.class).hasSingleBean(OpsParked.class));
    }

    /** A service whose consumers park messages. */
    @Configuration(proxyBeanMethods = false)
    static class Parked {
        @Bean
        ParkedMessages parkedMessages(DataSource dataSource) {
            return new ParkedMessages(new InMemoryDeadLetterTopics(), List::of, dataSource, Clock.systemUTC());
        }
    }

    @Test
    void outsideAServletWebApplication_thereAreNoEndpoints() {
        new ApplicationContextRunner().withConfiguration(OPS)
                .withPropertyValues("eventshop.service-name=orders", "eventshop.eventstore.engine=memory")
                .run(context -> assertThat(context).hasSingleBean(OpsOverview.class)
                        .doesNotHaveBean(OpsOverviewController.class));
    }
}
