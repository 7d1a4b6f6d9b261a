package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.projection.ContentHash;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.ops.OpsErrors.ActionNotPossible;
import eventshop.eventsourcing.ops.OpsErrors.ActionRefused;
import eventshop.eventsourcing.ops.OpsErrors.NotFoundInOps;
import eventshop.eventsourcing.projection.ProjectionProperties;
import eventshop.eventsourcing.projection.ProjectionStatus.RunnerState;
import eventshop.eventsourcing.projection.ProjectionStatus.State;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventsourcing.testing.TestClock;
import eventshop.eventsourcing.testing.TestDatabases;
import eventshop.eventstore.memory.InMemoryEventStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The console's read models over a real projection runtime, an in-memory log and H2. */
class OpsProjectionsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ProjectionProperties SETTINGS = ProjectionProperties.defaults().withBatchSize(50)
            .withRetry(Duration.ofMillis(10), Duration.ofMillis(50)).withDropAfter(Duration.ofMinutes(5));

    private final TestClock clock = new TestClock();
    private final InMemoryEventStore store = new InMemoryEventStore();
    private final JdbcConnectionPool dataSource = TestDatabases.h2("ops-projections");
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    private final Notes notes = new Notes();
    private final Projections projections = new Projections("shop", store, dataSource, List.of(notes), SETTINGS,
            new ReadYourWrites(Duration.ofMillis(100)), null);
    private final OpsAudit audit = new OpsAudit("shop", store, new CommandContexts(null, UUID::randomUUID), clock);
    private final OpsSampler sampler = new OpsSampler(store::headPosition, projections::status, clock);
    private final OpsProjections ops = new OpsProjections(projections, dataSource, audit, sampler, clock);
    private final EdgeUser admin = EdgeUser.admin("admin-1", "admin@example.com");

    @AfterEach
    void tearDown() {
        projections.stop();
        dataSource.dispose();
    }

    /** 120 notes over 7 streams, with nulls, negative amounts and several times. */
    private void noteSome(Instant at) {
        for (int i = 0; i < 120; i++) {
            Notes.note(store, "stream-" + (i % 7), i % 5 == 0 ? null : "note " + i, i % 3 == 0 ? -i * 10L : i * 125L,
                    at.plusSeconds(i));
        }
    }

    private void awaitCaughtUp() {
        await().atMost(PATIENCE).until(() -> {
            var status = projections.status(Notes.NAME);
            return status.lag() == 0 && status.state() == State.RUNNING;
        });
    }

    @Nested
    class Replicas {

        @Test
        void aRebuildBehind_differs_andOnceItHasCaughtUp_theNewAndTheRetiredGenerationHashEqual() {
            // given an active generation, and a rebuild stuck before the 80th event
            noteSome(clock.instant());
            projections.start();
            awaitCaughtUp();
            notes.failRebuildAt(80);
            projections.rebuild(Notes.NAME);
            await().atMost(PATIENCE).until(() -> projections.status(Notes.NAME).rebuild().state()
                    == RunnerState.FAILED && projections.status(Notes.NAME).rebuild().checkpoint() == 79);

            // when the live generations are compared
            OpsProjections.Replicas behind = ops.replicas(Notes.NAME);

            // then both show, with what they have applied, and differ
            assertThat(behind.converged()).isFalse();
            assertThat(behind.replicas()).extracting(OpsProjections.Replica::generation, OpsProjections.Replica::role,
                            OpsProjections.Replica::checkpoint)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1, Projections.Role.ACTIVE, 119L),
                            org.assertj.core.groups.Tuple.tuple(2, Projections.Role.BUILDING, 79L));
            assertThat(behind.replicas().getFirst().rows()).isEqualTo(7 + 120);
            assertThat(behind.replicas().getLast().rows()).isEqualTo(7 + 80);

            // when the rebuild may go on, catches up and is switched in
            notes.failRebuildAt(-1);
            await().atMost(PATIENCE).until(() -> projections.status(Notes.NAME).active().generation() == 2
                    && projections.status(Notes.NAME).rebuild() == null);

            // then the one live generation is converged, and its content is the retired generation's
            OpsProjections.Replicas after = ops.replicas(Notes.NAME);
            assertThat(after.converged()).isTrue();
            assertThat(after.replicas()).singleElement().satisfies(replica -> {
                assertThat(replica.generation()).isEqualTo(2);
                assertThat(replica.role()).isEqualTo(Projections.Role.ACTIVE);
                assertThat(replica.rows()).isEqualTo(127);
            });
            ContentHash.Content retired = ContentHash.of(jdbc, Tables.of(notes, 1));
            assertThat(retired.sha256()).isEqualTo(after.replicas().getFirst().sha256());
            assertThat(retired.rows()).isEqualTo(127);
        }

        @Test
        void twoFreshBuildsOfTheSameEvents_hashEqual_andOneDifferingValueChangesTheHash() {
            // given two generations built from the same events by two runtimes, in two databases
            noteSome(clock.instant());
            projections.start();
            awaitCaughtUp();
            JdbcConnectionPool other = TestDatabases.h2("ops-projections-other");
            Projections second = new Projections("shop", store, other, List.of(new Notes()), SETTINGS,
                    new ReadYourWrites(Duration.ofMillis(100)), null);
            try {
                second.start();
                await().atMost(PATIENCE).until(() -> second.status(Notes.NAME).lag() == 0);
                JdbcTemplate otherJdbc = new JdbcTemplate(other);
                Tables tables = projections.tables(Notes.NAME);

                // then
                String hash = ContentHash.of(jdbc, tables).sha256();
                assertThat(ContentHash.of(otherJdbc, second.tables(Notes.NAME)).sha256()).isEqualTo(hash);

                // when one value of one row differs, even by a cent
                otherJdbc.update(tables.sql("UPDATE {notes} SET total = total + 0.01 WHERE stream_id = 'stream-3'"));

                // then
                assertThat(ContentHash.of(otherJdbc, second.tables(Notes.NAME)).sha256()).isNotEqualTo(hash);
            } finally {
                second.stop();
                other.dispose();
            }
        }

        @Test
        void rowsWrittenInAnotherOrder_hashEqual_andANullIsNotAnEmptyText() {
            Tables first = Tables.of(notes, 7);
            Tables second = Tables.of(notes, 8);
            notes.create(first, jdbc);
            notes.create(second, jdbc);
            String insert = "INSERT INTO %s (log_position, stream_id, text, flagged) VALUES (?, ?, ?, ?)";
            jdbc.update(insert.formatted(first.name("note_lines")), 1, "a", "x", false);
            jdbc.update(insert.formatted(first.name("note_lines")), 2, "b", null, true);
            jdbc.update(insert.formatted(second.name("note_lines")), 2, "b", null, true);
            jdbc.update(insert.formatted(second.name("note_lines")), 1, "a", "x", false);

            assertThat(ContentHash.of(jdbc, first)).isEqualTo(ContentHash.of(jdbc, second));

            jdbc.update("UPDATE " + second.name("note_lines") + " SET text = '' WHERE log_position = 2");
            assertThat(ContentHash.of(jdbc, first).sha256()).isNotEqualTo(ContentHash.of(jdbc, second).sha256());
        }

        @Test
        void anUnknownProjection_is404() {
            projections.start();
            assertThatThrownBy(() -> ops.replicas("nothing")).isInstanceOf(NotFoundInOps.class);
            assertThatThrownBy(() -> ops.rebuildPlan("nothing")).isInstanceOf(NotFoundInOps.class);
            assertThatThrownBy(() -> ops.rebuild("nothing", 1L, admin)).isInstanceOf(NotFoundInOps.class);
        }
    }

    @Nested
    class Rebuilding {

        @Test
        void thePlan_isTheEventsOfTheLog() {
            noteSome(clock.instant());
            projections.start();

            assertThat(ops.rebuildPlan(Notes.NAME)).isEqualTo(new OpsProjections.RebuildPlan(Notes.NAME, 120));
        }

        @Test
        void needsAConfirmation_noHigherThanTheEventsNow() {
            noteSome(clock.instant());
            projections.start();

            assertThatThrownBy(() -> ops.rebuild(Notes.NAME, null, admin)).isInstanceOf(ActionRefused.class)
                    .hasMessageContaining("confirm");
            assertThatThrownBy(() -> ops.rebuild(Notes.NAME, 121L, admin)).isInstanceOf(ActionRefused.class)
                    .hasMessageContaining("replays 120 events, not 121");
            assertThat(audit.recent(10)).isEmpty();
            assertThat(projections.status(Notes.NAME).rebuild()).isNull();
        }

        @Test
        void isAuditedFirst_thenStarted_andASecondOneIsRefusedWhileItRuns() {
            noteSome(clock.instant());
            projections.start();
            awaitCaughtUp();
            notes.failRebuildAt(10);

            var status = ops.rebuild(Notes.NAME, 120L, admin);

            assertThat(status.rebuild()).isNotNull();
            assertThat(audit.recent(10)).singleElement().satisfies(recorded -> {
                assertThat(recorded.action().action()).isEqualTo("rebuild");
                assertThat(recorded.action().target()).isEqualTo(Notes.NAME);
                assertThat(recorded.action().detail()).isEqualTo("replays 120 events");
            });
            assertThatThrownBy(() -> ops.rebuild(Notes.NAME, 121L, admin)).isInstanceOf(ActionNotPossible.class)
                    .hasMessageContaining("being rebuilt already");
            assertThat(audit.recent(10)).hasSize(1);
        }

        @Test
        void aConfirmationOfFewerEvents_isFine_whenTheRestWasAppendedSince_andStaleWhenOlder() {
            // given 120 events from an hour ago, and 30 from the last minutes
            noteSome(clock.instant().minus(Duration.ofHours(1)));
            for (int i = 0; i < 30; i++) {
                Notes.note(store, "recent", "late " + i, 100, clock.instant().minus(Duration.ofMinutes(10))
                        .plusSeconds(i * 10L));
            }
            projections.start();

            // then a count from before the recent appends is stale; one from among them is fine
            assertThatThrownBy(() -> ops.rebuild(Notes.NAME, 119L, admin)).isInstanceOf(ActionRefused.class)
                    .hasMessageContaining("stale").hasMessageContaining("had 120 events 15 minutes ago");
            ops.rebuild(Notes.NAME, 125L, admin);
            assertThat(audit.recent(10)).singleElement().satisfies(recorded ->
                    assertThat(recorded.action().detail()).isEqualTo("replays 150 events (confirmed 125)"));
        }
    }

    @Test
    void statuses_carryTheRates_onceSampled() {
        noteSome(clock.instant());
        projections.start();
        awaitCaughtUp();

        List<OpsProjections.View> first = ops.statuses();
        assertThat(first).singleElement().satisfies(view -> {
            assertThat(view.status().name()).isEqualTo(Notes.NAME);
            assertThat(view.rate()).isNull();
            assertThat(view.rebuildRate()).isNull();
            assertThat(view.remainingSeconds()).isNull();
        });
        clock.advance(Duration.ofSeconds(1));
        sampler.sample();

        assertThat(ops.statuses().getFirst().rate()).isEqualTo(0.0);
        assertThat(tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(ops.statuses()))
                .contains("\"name\":\"notes\"", "\"state\":\"RUNNING\"", "\"active\":{", "\"rate\":0.0",
                        "\"remainingSeconds\":null");
    }
}
