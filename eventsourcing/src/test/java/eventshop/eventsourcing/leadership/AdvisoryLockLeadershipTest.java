package eventshop.eventsourcing.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two (or three) instances of a service on one embedded PostgreSQL, each with its {@link AdvisoryLockLeadership}:
 * one leads, the others stand by; when the leader lets go or its lock session dies, one standby takes over, and
 * never before the old leader's work stopped (graceful) or its lease ran out (session killed).
 */
class AdvisoryLockLeadershipTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Duration RETRY = Duration.ofMillis(100);
    private static final Duration CHECK = Duration.ofMillis(100);
    private static final Duration LEASE = Duration.ofMillis(400);

    private static EmbeddedPostgres postgres;
    private static DataSource database;

    private final List<AdvisoryLockLeadership> started = new ArrayList<>();
    /** What the work of every instance did, in order: "lead A", "standBy A", ... */
    private final List<String> timeline = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        database = postgres.getPostgresDatabase();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @AfterEach
    void stopAll() {
        started.forEach(AdvisoryLockLeadership::stop);
    }

    private AdvisoryLockLeadership instance(String name, String service) {
        AdvisoryLockLeadership leadership = new AdvisoryLockLeadership(database, service, "singletons", RETRY, CHECK,
                LEASE);
        leadership.run("work of " + name, new Leadership.Work() {
            @Override
            public void lead() {
                timeline.add("lead " + name);
            }

            @Override
            public void standBy() {
                timeline.add("standBy " + name);
            }
        });
        started.add(leadership);
        leadership.start();
        return leadership;
    }

    private static String service() {
        return "svc-" + UUID.randomUUID();
    }

    @Test
    void oneInstanceLeads_theOthersStandBy() {
        // given
        String service = service();

        // when
        AdvisoryLockLeadership a = instance("A", service);
        AdvisoryLockLeadership b = instance("B", service);
        AdvisoryLockLeadership c = instance("C", service);
        await().atMost(PATIENCE).until(() -> a.leading() || b.leading() || c.leading());
        // three leases, in which each standby asked for the lock several times (every RETRY): time let pass on
        // purpose, to show that no second instance is elected; no condition marks that something did not happen
        letTimePass(LEASE.multipliedBy(3));

        // then (elected, not leading(): a starved test JVM may let a lease lapse between two confirmations)
        assertThat(List.of(a, b, c)).filteredOn(leadership -> leadership.since() != null).hasSize(1);
        assertThat(timeline).hasSize(1).allMatch(step -> step.startsWith("lead "));
    }

    @Test
    void instancesOfDifferentServices_eachLead() {
        AdvisoryLockLeadership a = instance("A", service());
        AdvisoryLockLeadership b = instance("B", service());

        await().atMost(PATIENCE).until(() -> a.leading() && b.leading());
    }

    @Test
    void whenTheLeaderLetsGo_itsWorkStops_beforeAStandbyTakesOver() {
        // given
        String service = service();
        AdvisoryLockLeadership a = instance("A", service);
        await().atMost(PATIENCE).until(a::leading);
        AdvisoryLockLeadership b = instance("B", service);

        // when
        a.stop();

        // then
        await().atMost(PATIENCE).until(b::leading);
        assertThat(timeline).containsExactly("lead A", "standBy A", "lead B");
        assertThat(a.leading()).isFalse();
    }

    @Test
    void whenTheLeadersLockSessionDies_itsWorkStops_itIsFenced_andAnotherInstanceLeads() throws SQLException {
        // given
        String service = service();
        AdvisoryLockLeadership a = instance("A", service);
        await().atMost(PATIENCE).until(a::leading);
        AdvisoryLockLeadership b = instance("B", service);
        JdbcTemplate jdbc = new JdbcTemplate(database);
        TransactionTemplate transactions = new TransactionTemplate(new JdbcTransactionManager(database));
        await().atMost(PATIENCE).untilAsserted(() -> transactions.executeWithoutResult(tx -> a.fence(jdbc)));
        int key = AdvisoryLockLeadership.keyOf(service, "singletons");
        int leaderPid = jdbc.queryForObject("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = ?"
                + " AND objid = ? AND granted", Integer.class, AdvisoryLockLeadership.NAMESPACE, key);

        try (Connection other = database.getConnection(); Statement statement = other.createStatement()) {
            // when the leader's lock session is killed (a lost connection, a crashed process), and a third
            // instance queued for the lock gets it as soon as the dead session lets go
            statement.execute("SELECT pg_terminate_backend(" + leaderPid + "), pg_advisory_lock("
                    + AdvisoryLockLeadership.NAMESPACE + ", " + key + ")");

            // then the deposed leader stops its work, and its fence stops it from writing
            await().atMost(PATIENCE).until(() -> timeline.contains("standBy A"));
            assertThat(a.leading()).isFalse();
            assertThat(b.leading()).isFalse();
            assertThatThrownBy(() -> transactions.executeWithoutResult(tx -> a.fence(jdbc)))
                    .isInstanceOf(NotLeading.class);
            assertThat(timeline).containsExactly("lead A", "standBy A");

            // when the third instance lets go
            statement.execute("SELECT pg_advisory_unlock_all()");
        }

        // then one of the two leads again (the deposed one stood by and asks again too)
        await().atMost(PATIENCE).until(() -> a.leading() || b.leading());
        // a lease in which the other asked again: time let pass on purpose, to show it is not elected too
        letTimePass(LEASE);
        assertThat(List.of(a, b)).filteredOn(leadership -> leadership.since() != null).hasSize(1);
        AdvisoryLockLeadership leader = a.since() != null ? a : b;
        await().atMost(PATIENCE).untilAsserted(() -> transactions.executeWithoutResult(tx -> leader.fence(jdbc)));
        assertThat(timeline).hasSize(3).startsWith("lead A", "standBy A");
    }

    @Test
    void aStandby_cannotPassTheFence() {
        // given
        String service = service();
        AdvisoryLockLeadership a = instance("A", service);
        await().atMost(PATIENCE).until(a::leading);
        AdvisoryLockLeadership b = instance("B", service);
        JdbcTemplate jdbc = new JdbcTemplate(database);

        // then
        assertThat(b.leading()).isFalse();
        assertThatThrownBy(() -> b.fence(jdbc)).isInstanceOf(NotLeading.class)
                .hasMessageContaining("does not lead 'singletons'");
    }

    @Test
    void aLeaseShorterThanTwoChecks_isRefused() {
        assertThatThrownBy(() -> new AdvisoryLockLeadership(database, "svc", "singletons", RETRY,
                Duration.ofSeconds(1), Duration.ofMillis(1500))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least twice the check interval");
    }

    /**
     * Lets {@code duration} pass, for a test to show that something does not happen meanwhile; never to wait for
     * something that does (that is {@code await()}'s).
     */
    private static void letTimePass(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
