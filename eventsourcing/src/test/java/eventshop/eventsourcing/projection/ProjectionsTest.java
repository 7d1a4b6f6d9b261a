package eventshop.eventsourcing.projection;

import static eventshop.eventsourcing.projection.Ledger.balances;
import static eventshop.eventsourcing.projection.Ledger.deposit;
import static eventshop.eventsourcing.projection.Ledger.deposits;
import static eventshop.eventsourcing.projection.Ledger.entries;
import static eventshop.eventsourcing.projection.Ledger.fold;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.consistency.InvalidConsistencyToken;
import eventshop.eventsourcing.consistency.NotYetConsistent;
import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.projection.ProjectionStatus.RunnerState;
import eventshop.eventsourcing.projection.ProjectionStatus.State;
import eventshop.eventsourcing.testing.TestDatabases;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.file.Durability;
import eventshop.eventstore.file.FileEventStore;
import eventshop.eventstore.file.FileEventStoreOptions;
import eventshop.eventstore.memory.InMemoryEventStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Projection runners over a real event store and an H2 read model, without Spring; {@code ProjectionsOnPostgresTest}
 * runs every one of these tests again with the read model on PostgreSQL (the distributed topology's).
 */
class ProjectionsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ProjectionProperties SETTINGS = ProjectionProperties.defaults()
            .withRetry(Duration.ofMillis(10), Duration.ofMillis(100)).withDropAfter(Duration.ofSeconds(1));

    private final ReadModelDatabase database = database();
    private final DataSource dataSource = database.dataSource();
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Projections> started = new ArrayList<>();
    private final List<Ledger> ledgers = new ArrayList<>();
    private final ExecutorService background = Executors.newCachedThreadPool();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private EventStore store = new InMemoryEventStore();

    @AfterEach
    void tearDown() {
        running.set(false);
        background.shutdownNow();
        ledgers.forEach(Ledger::resume);
        started.forEach(Projections::stop);
        store.close();
        database.close();
    }

    /** A fresh, empty database for the read models of one test. */
    ReadModelDatabase database() {
        JdbcConnectionPool pool = TestDatabases.h2("projections");
        return new ReadModelDatabase(pool, pool::dispose);
    }

    /** A database for read models, and how to let it go. */
    record ReadModelDatabase(DataSource dataSource, Runnable closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.run();
        }
    }

    private Projections start(Ledger ledger) {
        ledgers.add(ledger);
        Projections projections = new Projections("shop", store, dataSource, List.of(ledger), SETTINGS,
                new ReadYourWrites(Duration.ofMillis(100)), meters);
        started.add(projections);
        projections.start();
        return projections;
    }

    private static void awaitCaughtUp(Projections projections) {
        await().atMost(PATIENCE).until(() -> {
            ProjectionStatus status = projections.status("ledger");
            return status.lag() == 0 && status.state() == State.RUNNING;
        });
    }

    /** The read model equals a fresh fold of the log, with exactly one entry per event. */
    private void assertMatchesTheLog(Projections projections) {
        Tables tables = projections.tables("ledger");
        assertThat(balances(jdbc, tables)).isEqualTo(fold(store));
        assertThat(entries(jdbc, tables)).isEqualTo(store.headPosition() + 1);
        assertThat(jdbc.queryForObject("SELECT applied_position FROM projection_generations WHERE projection_name = ?"
                + " AND generation = ?", Long.class, "ledger", tables.generation())).isEqualTo(store.headPosition());
    }

    @Nested
    class EndToEnd {

        @Test
        void inMemoryEngine_appliesEventsFromBeforeAndAfterStart() {
            runEndToEnd();
        }

        @Test
        void fileEngine_appliesEventsFromBeforeAndAfterStart(@TempDir Path directory) {
            store.close();
            store = FileEventStore.open(directory, FileEventStoreOptions.defaults().withDurability(Durability.NONE));
            runEndToEnd();
        }

        private void runEndToEnd() {
            // given
            deposits(store, 1_200);

            // when
            Projections projections = start(new Ledger());
            deposits(store, 800);

            // then
            awaitCaughtUp(projections);
            assertMatchesTheLog(projections);
            assertThat(projections.tables("ledger").name("balances")).isEqualTo("balances_g1");
            assertThat(meters.get("projection.lag").tag("projection", "ledger").gauge().value()).isZero();
            assertThat(meters.get("projection.position").tag("projection", "ledger").gauge().value())
                    .isEqualTo(1_999);
        }
    }

    @Nested
    class Failures {

        @Test
        void crashAfterWriting_rollsBackAndRetries_soEveryEventIsAppliedOnce() {
            // given
            Ledger ledger = new Ledger();
            ledger.failOnceAfterWriting(700);
            deposits(store, 1_500);

            // when
            Projections projections = start(ledger);

            // then
            awaitCaughtUp(projections);
            assertThat(ledger.thrown).hasValue(1);
            assertMatchesTheLog(projections);
        }

        @Test
        void poisonEvent_blocksTheProjectionAtItsPosition_untilFixed() {
            // given
            Ledger ledger = new Ledger();
            deposits(store, 100);
            long poison = deposit(store, "poison", 5);
            deposits(store, 50);

            // when
            Projections projections = start(ledger);

            // then: stuck on the poison event, everything before it applied, nothing after
            await().atMost(PATIENCE).until(() -> {
                ProjectionStatus.GenerationStatus active = projections.status("ledger").active();
                return active.failingPosition() != null && active.failingPosition() == poison
                        && active.checkpoint() == poison - 1;
            });
            ProjectionStatus status = projections.status("ledger");
            assertThat(status.state()).isEqualTo(State.FAILED);
            assertThat(status.active().lastError()).contains("at position " + poison).contains("'poison'");
            assertThat(entries(jdbc, projections.tables("ledger"))).isEqualTo(poison);
            assertThat(ProjectionsHealthIndicator.status(projections).health().getStatus()).isEqualTo(Status.DOWN);

            // when fixed
            ledger.acceptPoison();

            // then
            awaitCaughtUp(projections);
            assertMatchesTheLog(projections);
            assertThat(projections.status("ledger").active().lastError()).isNull();
            assertThat(ProjectionsHealthIndicator.status(projections).health().getStatus()).isEqualTo(Status.UP);
        }

        @Test
        void stopAndRestartMidStream_losesAndDoublesNothing() throws Exception {
            // given a runner following a log that keeps growing
            AtomicReference<Projections> current = new AtomicReference<>(start(new Ledger()));
            CompletableFuture<Void> appending = appendWhileRunning(() -> current.get());
            await().atMost(PATIENCE).until(() -> current.get().status("ledger").active().checkpoint() >= 500);

            // when it stops mid-stream, events keep coming, and a new one starts on the same database
            current.get().stop();
            long stoppedAt = current.get().status("ledger").active().checkpoint();
            await().atMost(PATIENCE).until(() -> store.headPosition() > stoppedAt + 500);
            current.set(start(new Ledger()));
            await().atMost(PATIENCE).until(() -> current.get().status("ledger").active().checkpoint() > stoppedAt + 1_000);
            running.set(false);
            appending.get();

            // then
            awaitCaughtUp(current.get());
            assertMatchesTheLog(current.get());
        }
    }

    /**
     * Appends deposits from another thread until the test ends: ten about every millisecond, and at
     * most 1000 ahead of the projection, so the log keeps growing without running away.
     */
    /**
     * Appends while the test runs, never more than 1,000 events ahead of the slowest generation (the active one, or
     * the one being rebuilt). Paced on the active one alone, the writer could outrun a rebuild for good on a starved
     * machine (once seen in CI, under a soak running beside it): a rebuild reaches a moving head only if it folds faster
     * than events arrive, which no catch-up can promise, so the test keeps events arriving as fast as the store takes
     * them without making the switch depend on the CPU's share.
     */
    private CompletableFuture<Void> appendWhileRunning(Supplier<Projections> projections) {
        return CompletableFuture.runAsync(() -> {
            while (running.get()) {
                ProjectionStatus status = projections.get().status("ledger");
                long slowest = status.rebuild() == null ? status.active().checkpoint()
                        : Math.min(status.active().checkpoint(), status.rebuild().checkpoint());
                if (store.headPosition() - slowest < 1_000) {
                    deposits(store, 10);
                }
                LockSupport.parkNanos(1_000_000); // pacing, not waiting for a condition
            }
        }, background);
    }

    @Nested
    class BlueGreen {

        @Test
        void rebuildWhileEventsArrive_switchesToATableSetEqualToAFreshFold_withoutDisturbingQueries() throws Exception {
            // given
            deposits(store, 3_000);
            Projections projections = start(new Ledger());
            awaitCaughtUp(projections);

            CompletableFuture<Void> appending = appendWhileRunning(() -> projections);
            AtomicLong queries = new AtomicLong();
            AtomicReference<Throwable> queryError = new AtomicReference<>();
            AtomicLong wentBackwards = new AtomicLong();
            CompletableFuture<Void> querying = CompletableFuture.runAsync(() -> {
                long seen = 0;
                while (running.get()) {
                    try {
                        long count = projections.read("ledger", tables -> entries(jdbc, tables));
                        if (count < seen) {
                            wentBackwards.incrementAndGet();
                        }
                        seen = count;
                        queries.incrementAndGet();
                    } catch (RuntimeException e) {
                        queryError.compareAndSet(null, e);
                    }
                }
            }, background);

            // when
            ProjectionStatus rebuilding = projections.rebuild("ledger");

            // then
            assertThat(rebuilding.rebuild()).isNotNull();
            assertThat(rebuilding.rebuild().generation()).isEqualTo(2);
            await().atMost(PATIENCE).until(() -> projections.status("ledger").active().generation() == 2
                    && projections.status("ledger").rebuild() == null);
            deposits(store, 100); // events keep arriving after the switch
            running.set(false);
            appending.get();
            querying.get();
            awaitCaughtUp(projections);

            assertThat(queryError).hasValue(null);
            assertThat(queries.get()).isPositive();
            assertThat(wentBackwards).hasValue(0);
            assertThat(projections.tables("ledger").name("entries")).isEqualTo("entries_g2");
            assertMatchesTheLog(projections);
            // the janitor drops the tables first, then forgets the generation: wait for both
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(tableExists("ENTRIES_G1") || tableExists("BALANCES_G1")).isFalse();
                assertThat(jdbc.queryForList("SELECT generation FROM projection_generations", Integer.class))
                        .containsExactly(2);
            });
        }

        @Test
        void newVersion_rebuildsAtStart_whileTheOldGenerationServes() {
            // given a read model built by version 1
            deposits(store, 300);
            Projections v1 = start(new Ledger(1));
            awaitCaughtUp(v1);
            v1.stop();
            deposits(store, 200);

            // when version 2 starts
            Ledger ledger = new Ledger(2);
            ledger.pause();
            Projections v2 = start(ledger);

            // then generation 1 serves, frozen, until generation 2 has caught up
            ProjectionStatus frozen = v2.status("ledger");
            assertThat(frozen.active().state()).isEqualTo(RunnerState.FROZEN);
            assertThat(frozen.rebuild()).isNotNull();
            assertThat(v2.<Long>read("ledger", tables -> entries(jdbc, tables))).isEqualTo(300);
            assertThat(v2.ready()).isFalse();

            ledger.resume();
            await().atMost(PATIENCE).until(() -> v2.status("ledger").active().generation() == 2 && v2.ready());
            awaitCaughtUp(v2);
            assertMatchesTheLog(v2);
        }

        private boolean tableExists(String name) {
            return jdbc.queryForObject("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = ?",
                    Integer.class, name) > 0;
        }
    }

    @Nested
    class ConsistencyTokens {

        @Test
        void queryWithToken_waitsUntilApplied_andNoLonger() {
            // given a paused projection and a command's token
            Ledger ledger = new Ledger();
            Projections projections = start(ledger);
            deposit(store, "alice", 10);
            awaitCaughtUp(projections);
            ledger.pause();
            long position = deposit(store, "alice", 5);
            String token = "shop:" + position;

            // then a short wait times out
            assertThatThrownBy(() -> new ReadYourWrites(Duration.ofMillis(50)).await(projections.progress("ledger"),
                    token))
                    .isInstanceOf(NotYetConsistent.class)
                    .hasMessageContaining("'ledger'").hasMessageContaining("not yet reached shop:" + position);

            // and a longer one returns once the projection applied the position
            CompletableFuture<Map<String, Ledger.Balance>> waiting = CompletableFuture.supplyAsync(() -> {
                new ReadYourWrites(PATIENCE).await(projections.progress("ledger"), token);
                return projections.read("ledger", tables -> balances(jdbc, tables));
            }, background);
            assertThat(waiting).isNotDone();
            ledger.resume();
            await().atMost(PATIENCE).until(waiting::isDone);
            assertThat(waiting.join()).containsEntry("alice", new Ledger.Balance(15, 2));
        }

        @Test
        void queryWithToken_timesOutWithNotYetConsistent() {
            Ledger ledger = new Ledger();
            Projections projections = start(ledger);
            ledger.pause();
            long position = deposit(store, "bob", 1);

            assertThatThrownBy(() -> projections.read("ledger", "shop:" + position, tables -> entries(jdbc, tables)))
                    .isInstanceOf(NotYetConsistent.class);
        }

        @Test
        void tokens_fromAnotherService_orMalformed_areInvalid_andNoToken_doesNotWait() {
            Ledger ledger = new Ledger();
            Projections projections = start(ledger);
            ledger.pause();
            deposit(store, "carol", 1);

            assertThatThrownBy(() -> projections.read("ledger", "orders:0", tables -> 0))
                    .isInstanceOf(InvalidConsistencyToken.class).hasMessageContaining("does not follow");
            assertThatThrownBy(() -> projections.read("ledger", "shop", tables -> 0))
                    .isInstanceOf(InvalidConsistencyToken.class);
            assertThat(projections.<Long>read("ledger", (String) null, tables -> entries(jdbc, tables))).isZero();
            assertThat(projections.<Long>read("ledger", " ", tables -> entries(jdbc, tables))).isZero();
        }
    }

    @Nested
    class Readiness {

        @Test
        void notReady_untilCaughtUpWithTheHeadSeenAtStart() {
            // given
            deposits(store, 100);
            Ledger ledger = new Ledger();
            ledger.pause();

            // when
            Projections projections = start(ledger);

            // then
            assertThat(projections.ready()).isFalse();
            assertThat(ProjectionsHealthIndicator.readiness(projections).health().getStatus())
                    .isEqualTo(Status.OUT_OF_SERVICE);

            ledger.resume();
            await().atMost(PATIENCE).until(projections::ready);
            assertThat(ProjectionsHealthIndicator.readiness(projections).health().getStatus()).isEqualTo(Status.UP);
            assertThat(projections.status("ledger").ready()).isTrue();
        }
    }
}
