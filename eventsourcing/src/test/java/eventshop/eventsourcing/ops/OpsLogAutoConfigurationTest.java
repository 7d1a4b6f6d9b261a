package eventshop.eventsourcing.ops;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.config.EventSourcingAutoConfiguration;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.example.Tab;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class OpsLogAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EventSourcingAutoConfiguration.class, OpsAutoConfiguration.class,
                    OpsLogAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues("eventshop.service-name=bar", "eventshop.eventstore.engine=memory");

    @Test
    void aServiceWithALog_getsTheExplorer_theStreamView_overItsRegisteredAggregates_andTheEventstoreEndpoint() {
        runner.withBean("tabAggregate", OpsAggregate.class, () -> new OpsAggregate("tab", "tab-", CommandHandler
                        .builder("bar", new eventshop.eventstore.memory.InMemoryEventStore(), Tab.DECIDER,
                                JsonEventCodec.of(Tab.Event.class)).build()))
                .run(context -> {
                    assertThat(context).hasSingleBean(OpsLog.class).hasSingleBean(OpsStreams.class)
                            .hasSingleBean(OpsKafkaRecords.class).hasSingleBean(EventStoreEndpoint.class);
                    assertThat(context.getBean(OpsAggregates.class).owning("tab-1")).isPresent();
                    // no relay here: every event stays private, no broker is asked
                    EventStore store = context.getBean(EventStore.class);
                    store.append("member-1", ExpectedVersion.noStream(), List.of(new EventData(UUID.randomUUID(),
                            "Registered", "{\"email\":\"ada@example.com\"}".getBytes(StandardCharsets.UTF_8),
                            Metadata.EMPTY)));
                    RecordedEvent stored = store.readAll(0, 1).blockFirst();
                    assertThat(context.getBean(OpsKafkaRecords.class).destinationOf(stored)).isEmpty();
                    EventStoreEndpoint endpoint = context.getBean(EventStoreEndpoint.class);
                    assertThat(endpoint.head()).isEqualTo(new EventStoreEndpoint.Head("bar", 0));
                    assertThat(endpoint.eventsAt(0)).singleElement().satisfies(event -> {
                        assertThat(event.streamId()).isEqualTo("member-1");
                        assertThat(event.data().toString()).doesNotContain("ada@example.com");
                        assertThat(event.masked()).containsExactly("/email");
                    });
                    // not a web application: no endpoints
                    assertThat(context).doesNotHaveBean(OpsLogController.class);
                });
    }

    @Test
    void anApplicationWithoutALog_getsNone() {
        runner.withPropertyValues("eventshop.eventstore.engine=none").run(context -> assertThat(context)
                .hasNotFailed().doesNotHaveBean(OpsLog.class).doesNotHaveBean(OpsStreams.class)
                .doesNotHaveBean(EventStoreEndpoint.class).doesNotHaveBean(OpsKafkaRecords.class));
    }
}
