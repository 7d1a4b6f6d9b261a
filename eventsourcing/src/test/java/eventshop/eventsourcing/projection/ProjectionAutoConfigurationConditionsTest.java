package eventshop.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.config.EventSourcingAutoConfiguration;
import eventshop.eventsourcing.consistency.ReadYourWrites;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ProjectionAutoConfigurationConditionsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EventSourcingAutoConfiguration.class,
                    ProjectionAutoConfiguration.class))
            .withPropertyValues("eventshop.eventstore.engine=memory");

    @Test
    void withoutADataSource_thereAreNoProjections() {
        runner.run(context -> assertThat(context).doesNotHaveBean(Projections.class));
    }

    @Test
    void withADataSource_andNoProjectionBeans_theRuntimeIsReadyAndIdle() {
        runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:no-projections",
                        "eventshop.consistency.max-wait=750ms")
                .run(context -> {
                    Projections projections = context.getBean(Projections.class);
                    assertThat(projections.isRunning()).isTrue();
                    assertThat(projections.names()).isEmpty();
                    assertThat(projections.ready()).isTrue();
                    assertThat(context.getBean(ReadYourWrites.class).maxWait()).isEqualTo(Duration.ofMillis(750));
                });
    }
}
