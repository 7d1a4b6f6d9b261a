package eventshop.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.decider.UnknownEventType;
import eventshop.eventsourcing.projection.ProjectionStatus.State;
import eventshop.eventsourcing.testing.TestDatabases;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.memory.InMemoryEventStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The base of one-prefix read models: on its own, and run by the projection runtime over a real log. */
class StreamProjectionTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final JsonEventCodec<Purse.Event> CODEC = JsonEventCodec.of(Purse.Event.class);

    /**
     * A read model of the {@code purse-} streams: per purse its balance. Its DDL also records, in the
     * test's own table {@code creations}, the generation's table each time it runs (the braces in the
     * literal are rendered like any other), so a test can count how often the tables were created.
     */
    static final class Purse extends StreamProjection<Purse.Event> {

        sealed interface Event {
        }

        record Paid(String purse, long cents) implements Event {
        }

        record Spent(String purse, long cents) implements Event {
        }

        private final int version;

        Purse(int version) {
            super("purses", "purse-", CODEC, List.of("purses"),
                    "CREATE TABLE {purses} (purse VARCHAR(40) PRIMARY KEY, cents BIGINT NOT NULL)",
                    "CREATE INDEX {purses}_by_cents ON {purses} (cents)",
                    "INSERT INTO creations (tables) VALUES ('{purses}')");
            this.version = version;
        }

        @Override
        public int version() {
            return version;
        }

        @Override
        protected void on(Event event, RecordedEvent recorded, Tables tables, JdbcTemplate jdbc) {
            switch (event) {
                case Paid paid -> add(paid.purse(), paid.cents(), tables, jdbc);
                case Spent spent -> add(spent.purse(), -spent.cents(), tables, jdbc);
            }
        }

        private static void add(String purse, long cents, Tables tables, JdbcTemplate jdbc) {
            if (jdbc.update(tables.sql("UPDATE {purses} SET cents = cents + ? WHERE purse = ?"), cents, purse) == 0) {
                jdbc.update(tables.sql("INSERT INTO {purses} (purse, cents) VALUES (?, ?)"), purse, cents);
            }
        }

        static Map<String, Long> balances(JdbcTemplate jdbc, Tables tables) {
            Map<String, Long> balances = new TreeMap<>();
            jdbc.query(tables.sql("SELECT purse, cents FROM {purses}"),
                    rs -> {
                        balances.put(rs.getString(1), rs.getLong(2));
                    });
            return balances;
        }
    }

    private final JdbcConnectionPool dataSource = TestDatabases.h2("stream-projection");
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    private final EventStore store = new InMemoryEventStore();
    private final List<Projections> started = new ArrayList<>();

    @BeforeEach
    void createTheCreationsTable() {
        jdbc.execute("CREATE TABLE creations (seq BIGINT AUTO_INCREMENT PRIMARY KEY, tables VARCHAR(40) NOT NULL)");
    }

    @AfterEach
    void tearDown() {
        started.forEach(Projections::stop);
        store.close();
        dataSource.dispose();
    }

    private static RecordedEvent recorded(String streamId, String type, String json) {
        return new RecordedEvent(UUID.randomUUID(), streamId, 0, 0, type, json.getBytes(StandardCharsets.UTF_8),
                Metadata.EMPTY);
    }

    private long append(String streamId, Purse.Event event) {
        return append(streamId, CODEC.typeOf(event), new String(CODEC.serialize(event), StandardCharsets.UTF_8));
    }

    private long append(String streamId, String type, String json) {
        return store.append(streamId, ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(), type,
                json.getBytes(StandardCharsets.UTF_8), Metadata.EMPTY))).position();
    }

    private List<String> creations() {
        return jdbc.queryForList("SELECT tables FROM creations ORDER BY seq", String.class);
    }

    @Nested
    class OnItsOwn {

        private final Purse purse = new Purse(1);
        private final Tables tables = Tables.of(purse, 1);

        @BeforeEach
        void createTheTables() {
            purse.create(tables, jdbc);
        }

        @Test
        void statesItsNameAndTables() {
            assertThat(purse.name()).isEqualTo("purses");
            assertThat(purse.tables()).containsExactly("purses");
        }

        @Test
        void create_runsTheDdl_forTheGenerationsTablesAndIndexes() {
            // given
            Tables third = Tables.of(purse, 3);

            // when
            purse.create(third, jdbc);

            // then
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES WHERE INDEX_NAME = ?",
                    Integer.class, "PURSES_G3_BY_CENTS")).isOne();
            assertThat(creations()).containsExactly("purses_g1", "purses_g3");
        }

        @Test
        void appliesTheDecodedEventsOfItsPrefix() {
            // when
            purse.apply(recorded("purse-a", "Paid", "{\"purse\":\"a\",\"cents\":700}"), tables, jdbc);
            purse.apply(recorded("purse-a", "Spent", "{\"purse\":\"a\",\"cents\":200}"), tables, jdbc);

            // then
            assertThat(Purse.balances(jdbc, tables)).containsExactly(Map.entry("a", 500L));
        }

        @Test
        void passesOverEventsOfAnotherPrefix_withoutDecodingThem() {
            // when: types the codec does not know, data that is no JSON, and a prefix that only contains its own
            purse.apply(recorded("wallet-a", "Paid", "{\"purse\":\"a\",\"cents\":700}"), tables, jdbc);
            purse.apply(recorded("audit-1", "Audited", "not json"), tables, jdbc);
            purse.apply(recorded("my-purse-b", "Paid", "{\"purse\":\"b\",\"cents\":1}"), tables, jdbc);

            // then
            assertThat(Purse.balances(jdbc, tables)).isEmpty();
        }

        @Test
        void anEventOfItsPrefix_thatTheCodecCannotDecode_throwsAndWritesNothing() {
            assertThatThrownBy(() -> purse.apply(recorded("purse-a", "Stolen", "{\"purse\":\"a\"}"), tables, jdbc))
                    .isInstanceOf(UnknownEventType.class).hasMessageContaining("'Stolen'");
            assertThatThrownBy(() -> purse.apply(recorded("purse-a", "Paid", "{\"purse\":"), tables, jdbc))
                    .isInstanceOf(UnknownEventType.class).hasMessageContaining("'Paid' does not deserialize");
            assertThat(Purse.balances(jdbc, tables)).isEmpty();
        }

        @Test
        void aPrefixAndTheDdl_areRequired() {
            assertThatThrownBy(() -> new StreamProjection<Purse.Event>("purses", "", CODEC, List.of("purses"),
                    "CREATE TABLE {purses} (purse VARCHAR(40))") {
                @Override
                protected void on(Purse.Event event, RecordedEvent recorded, Tables names, JdbcTemplate jdbc) {
                }
            }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream prefix");
            assertThatThrownBy(() -> new StreamProjection<Purse.Event>("purses", "purse-", CODEC, List.of("purses")) {
                @Override
                protected void on(Purse.Event event, RecordedEvent recorded, Tables names, JdbcTemplate jdbc) {
                }
            }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("creates no table");
        }
    }

    @Nested
    class RunByTheRuntime {

        private final ProjectionProperties settings = ProjectionProperties.defaults()
                .withRetry(Duration.ofMillis(10), Duration.ofMillis(100)).withDropAfter(Duration.ofSeconds(1));

        private Projections start(Purse purse) {
            Projections projections = new Projections("shop", store, dataSource, List.of(purse), settings,
                    new ReadYourWrites(Duration.ofMillis(100)), new SimpleMeterRegistry());
            started.add(projections);
            projections.start();
            return projections;
        }

        private void awaitCaughtUp(Projections projections) {
            await().atMost(PATIENCE).until(() -> {
                ProjectionStatus status = projections.status("purses");
                return status.lag() == 0 && status.state() == State.RUNNING;
            });
        }

        /** Appends {@code paid}, runs version 1 until it has applied it, and stops it. */
        private void builtByVersionOneAndStopped(Purse.Paid paid) {
            append("purse-" + paid.purse(), paid);
            Projections v1 = start(new Purse(1));
            awaitCaughtUp(v1);
            v1.stop();
        }

        private Map<String, Long> balances(Projections projections) {
            return projections.read("purses", tables -> Purse.balances(jdbc, tables));
        }

        @Test
        void foldsItsPrefix_andPassesOverTheRestOfTheLog() {
            // given a log of purses and other streams with types the codec does not know
            append("purse-a", new Purse.Paid("a", 1_000));
            append("audit-1", "Audited", "not json");
            append("purse-b", new Purse.Paid("b", 50));
            append("card-7", "CardTokenized", "{\"token\":\"7\"}");
            append("purse-a", new Purse.Spent("a", 300));

            // when
            Projections projections = start(new Purse(1));

            // then
            awaitCaughtUp(projections);
            assertThat(balances(projections)).containsExactly(Map.entry("a", 700L), Map.entry("b", 50L));
            assertThat(projections.status("purses").active().checkpoint()).isEqualTo(store.headPosition());
        }

        @Test
        void anUndecodableEventOfItsPrefix_pinsTheProjectionAtItsPosition_likeAnyFailingEvent() {
            // given
            append("purse-a", new Purse.Paid("a", 1_000));
            long undecodable = append("purse-a", "Stolen", "{\"purse\":\"a\"}");
            append("purse-a", new Purse.Spent("a", 300));

            // when
            Projections projections = start(new Purse(1));

            // then: failed at that event, retried, everything before it applied and nothing after
            await().atMost(PATIENCE).until(() -> {
                ProjectionStatus.GenerationStatus active = projections.status("purses").active();
                return active.failingPosition() != null && active.failingPosition() == undecodable
                        && active.checkpoint() == undecodable - 1;
            });
            ProjectionStatus status = projections.status("purses");
            assertThat(status.state()).isEqualTo(State.FAILED);
            assertThat(status.active().lastError()).contains("at position " + undecodable).contains("'Stolen'");
            assertThat(balances(projections)).containsExactly(Map.entry("a", 1_000L));
        }

        @Test
        void theTables_areCreatedOncePerGeneration_acrossRestartsAndRebuilds() {
            // given generation 1, built and stopped
            builtByVersionOneAndStopped(new Purse.Paid("a", 1_000));

            // when it starts again on the same database, more events arrive, and it is rebuilt
            append("purse-a", new Purse.Spent("a", 1));
            Projections again = start(new Purse(1));
            awaitCaughtUp(again);
            again.rebuild("purses");
            await().atMost(PATIENCE).until(() -> again.status("purses").active().generation() == 2
                    && again.status("purses").rebuild() == null);
            awaitCaughtUp(again);

            // then each generation's tables were created once, and the rebuilt one holds the same fold
            assertThat(creations()).containsExactly("purses_g1", "purses_g2");
            assertThat(balances(again)).containsExactly(Map.entry("a", 999L));
        }

        @Test
        void aNewVersion_createsTheNextGenerationsTables() {
            // given
            builtByVersionOneAndStopped(new Purse.Paid("a", 10));

            // when
            Projections v2 = start(new Purse(2));

            // then
            await().atMost(PATIENCE).until(() -> v2.status("purses").active().generation() == 2 && v2.ready());
            awaitCaughtUp(v2);
            assertThat(creations()).containsExactly("purses_g1", "purses_g2");
            assertThat(balances(v2)).containsExactly(Map.entry("a", 10L));
        }
    }
}
