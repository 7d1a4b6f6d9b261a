package eventshop.eventsourcing.config;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.ops.MeteredEventStore;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.file.FileEventStore;
import eventshop.eventstore.memory.InMemoryEventStore;
import eventshop.eventstore.postgres.PostgresEventStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class EventSourcingAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EventSourcingAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    @Test
    void memoryEngine_isMeteredAndCountsAppends() {
        runner.withPropertyValues("eventshop.service-name=bar", "eventshop.eventstore.engine=memory").run(context -> {
            EventStore store = context.getBean(EventStore.class);
            assertThat(store).isInstanceOf(MeteredEventStore.class);
            assertThat(((MeteredEventStore) store).delegate()).isInstanceOf(InMemoryEventStore.class);

            store.append("s", ExpectedVersion.noStream(), List.of(new EventData(UUID.randomUUID(), "T", new byte[0],
                    Metadata.EMPTY)));

            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("eventstore.events.appended").counter().count()).isEqualTo(1.0);
            assertThat(meters.get("eventstore.append").timer().count()).isEqualTo(1);
        });
    }

    @Test
    void fileEngine_opensInTheConfiguredDirectoryAndClosesWithTheContext(@TempDir Path dir) {
        runner.withPropertyValues("eventshop.eventstore.directory=" + dir).run(context -> {
            EventStore store = context.getBean(EventStore.class);
            assertThat(((MeteredEventStore) store).delegate()).isInstanceOf(FileEventStore.class);
        });
        // the context closed the store, so the directory can be opened again
        try (FileEventStore reopened = FileEventStore.open(dir)) {
            assertThat(reopened.headPosition()).isEqualTo(-1);
        }
    }

    @Test
    void postgresEngine_opensOnTheConfiguredDatabaseAndSchema() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            runner.withPropertyValues("eventshop.eventstore.engine=postgres",
                    "eventshop.eventstore.postgres.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                    "eventshop.eventstore.postgres.user=postgres",
                    "eventshop.eventstore.postgres.password=postgres",
                    "eventshop.eventstore.postgres.schema=carts").run(context -> {
                EventStore store = context.getBean(EventStore.class);
                assertThat(((MeteredEventStore) store).delegate()).isInstanceOf(PostgresEventStore.class);

                store.append("cart-1", ExpectedVersion.noStream(), List.of(new EventData(UUID.randomUUID(), "T",
                        new byte[0], Metadata.EMPTY)));

                assertThat(store.readAll(0, 10).collectList().block()).singleElement()
                        .satisfies(event -> assertThat(event.streamId()).isEqualTo("cart-1"));
            });
        }
    }

    @Test
    void noEngine_opensNoLogAndNothingThatHangsOnOne(@TempDir Path dir) {
        // an application that keeps no log (the functions) says so instead of excluding auto-configurations
        runner.withPropertyValues("eventshop.eventstore.engine=none", "eventshop.eventstore.directory=" + dir.resolve("log"))
                .run(context -> {
                    assertThat(context).hasNotFailed()
                            .doesNotHaveBean(EventStore.class)
                            .hasSingleBean(Clock.class)
                            .hasSingleBean(CommandContexts.class);
                    assertThat(dir.resolve("log")).doesNotExist();
                });
    }

    @Test
    void unknownEngine_failsTheStartWithAClearMessage() {
        runner.withPropertyValues("eventshop.eventstore.engine=cassandra").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("eventshop.eventstore.engine must be 'file', 'postgres' or 'memory'"));
    }
}
