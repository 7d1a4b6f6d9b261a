package eventshop.eventsourcing.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.memory.InMemoryEventStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OpsAuditTest {

    private final InMemoryEventStore store = new InMemoryEventStore();
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-07T03:00:00Z"), ZoneOffset.UTC);
    private final OpsAudit audit = new OpsAudit("orders", store, new CommandContexts(null, UUID::randomUUID), clock);
    private final EdgeUser admin = EdgeUser.admin("admin-1", "admin@example.com");

    @Test
    void records_whoWhenWhatAndWhy_inTheServicesOwnLog() {
        // when
        audit.record(admin, "discard", "orders.events.dlq:0:7", "", "poison: unknown type");

        // then
        RecordedEvent stored = store.read(OpsAudit.STREAM, 0).blockFirst();
        assertThat(stored.type()).isEqualTo("OpsActionTaken");
        assertThat(stored.metadata().actingUser()).isEqualTo("admin-1");
        assertThat(OpsAudit.isAudit(stored)).isTrue();
        assertThat(audit.recent(10)).singleElement().satisfies(recorded -> {
            assertThat(recorded.action()).isEqualTo(new OpsAudit.OpsActionTaken("discard", "orders.events.dlq:0:7", "",
                    "poison: unknown type", "admin-1", "admin@example.com", clock.instant()));
            assertThat(recorded.position()).isEqualTo(stored.position());
        });
    }

    @Test
    void lists_theNewestFirst_upToTheLimit() {
        for (int i = 0; i < 5; i++) {
            audit.record(admin, "rebuild", "projection-" + i, "", null);
        }

        assertThat(audit.recent(3)).extracting(recorded -> recorded.action().target())
                .containsExactly("projection-4", "projection-3", "projection-2");
    }

    @Test
    void refuses_anAnonymousOperator_andRecordsNothing() {
        assertThatThrownBy(() -> audit.record(EdgeUser.ANONYMOUS, "rebuild", "x", "", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.streamVersion(OpsAudit.STREAM)).isEqualTo(-1);
    }
}
