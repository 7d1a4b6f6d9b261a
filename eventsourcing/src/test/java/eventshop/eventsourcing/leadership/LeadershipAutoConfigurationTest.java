package eventshop.eventsourcing.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.config.EventSourcingAutoConfiguration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Which leadership a service gets: on H2 (the embedded topology) it leads alone, at once, with no elector running. */
class LeadershipAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EventSourcingAutoConfiguration.class,
                    DataSourceAutoConfiguration.class, LeadershipAutoConfiguration.class))
            .withPropertyValues("eventshop.eventstore.engine=memory", "eventshop.service-name=carts",
                    "spring.datasource.url=jdbc:h2:mem:leadership-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");

    @Test
    void onH2_theInstanceLeadsAlone_andWorkStartsWhenItRegisters() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            Leadership leadership = context.getBean(Leadership.class);
            assertThat(leadership).isInstanceOf(SoleInstance.class);
            assertThat(leadership.leading()).isTrue();
            assertThat(context.getBean(LeadershipAutoConfiguration.Elector.class).isRunning()).isFalse();

            AtomicInteger leading = new AtomicInteger();
            Leadership.Registration registration = leadership.run("work", new Leadership.Work() {
                @Override
                public void lead() {
                    leading.incrementAndGet();
                }

                @Override
                public void standBy() {
                    leading.decrementAndGet();
                }
            });
            assertThat(leading).hasValue(1);
            registration.close();
            registration.close();
            assertThat(leading).hasValue(0);
        });
    }

    @Test
    void theAdvisoryLock_isRefused_onADatabaseOtherThanPostgres() {
        runner.withPropertyValues("eventshop.leadership.mode=advisory-lock").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("eventshop.leadership.mode=advisory-lock needs the service's DataSource"
                                + " on PostgreSQL"));
    }

    @Test
    void anUnknownMode_failsTheStart() {
        runner.withPropertyValues("eventshop.leadership.mode=raft").run(context ->
                assertThat(context).hasFailed());
    }
}
