package eventshop.eventsourcing.consuming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.NotYetConsistent;
import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.database.EventSourcingTables;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.testing.TestDatabases;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Two instances of a service in one consumer group over the database they share (H2, and PostgreSQL as
 * the distributed topology keeps it): a token of a partition that instance A owns, asked of instance B,
 * waits for what A has processed and flushed to the database ({@link ConsumerOffsets}' source positions,
 * read back by {@link ConsumerProgress#readStored}), and not a moment before.
 */
class ConsumerProgressAcrossInstancesTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String TOPIC = "accounts.events";
    private static final String GROUP = "carts";
    private static final int PARTITIONS = 4;
    /** The partition A owns; B owns the others. */
    private static final int OWNED_BY_A = 1;
    private static final String STREAM = accountOn(OWNED_BY_A);

    enum Database {
        H2 {
            @Override
            DataSource create() {
                JdbcDataSource source = new JdbcDataSource();
                source.setURL("jdbc:h2:mem:progress-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
                return source;
            }
        },
        POSTGRESQL {
            @Override
            DataSource create() {
                String name = "progress_" + UUID.randomUUID().toString().replace("-", "");
                new JdbcTemplate(postgres().getPostgresDatabase()).execute("CREATE DATABASE " + name);
                return postgres().getDatabase("postgres", name);
            }
        };

        abstract DataSource create();
    }

    private static EmbeddedPostgres postgres() {
        return TestDatabases.postgres();
    }

    private Instance a;
    private Instance b;

    @AfterEach
    void close() {
        if (a != null) {
            a.offsets.close();
        }
        if (b != null) {
            b.offsets.close();
        }
    }

    /** Starts A and B over {@code database}: A is assigned {@link #OWNED_BY_A}, B every other partition. */
    private void startTwoInstances(DataSource database) {
        EventSourcingTables.migrate(database); // as the starter does at start: the tables, or the missing column
        a = new Instance(database);
        b = new Instance(database);
        a.feed().assigned(List.of(OWNED_BY_A));
        b.feed().assigned(List.of(0, 2, 3));
        a.feed().partitions(PARTITIONS);
        b.feed().partitions(PARTITIONS);
    }

    private static String accountOn(int partition) {
        for (int i = 0; ; i++) {
            if (EventHeaders.partition("account-" + i, PARTITIONS) == partition) {
                return "account-" + i;
            }
        }
    }

    private static ConsistencyToken token(long position) {
        return new ConsistencyToken("accounts", position, STREAM);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aWaitOnB_forAPartitionOfA_endsOnceAHasProcessedAndFlushedIt_notBefore(Database kind) throws Exception {
        // given A has processed the stream's partition up to position 41, and flushed
        startTwoInstances(kind.create());
        a.process(OWNED_BY_A, 0, 41);
        a.offsets.flush();

        // when B is asked for position 42 of that stream
        CompletableFuture<Void> wait = b.progress.whenProcessed(token(42));

        // then B reads the database, finds 41, and waits
        assertThat(b.progress.pollingStored()).isTrue();
        b.awaitReads(3);
        assertThat(b.feed().processed(OWNED_BY_A)).isEqualTo(41);
        assertThat(wait).isNotDone();

        // when A processes the record at 42 but has not flushed it yet
        a.process(OWNED_BY_A, 1, 42);
        int before = b.reads.get();
        b.awaitReads(before + 3);

        // then B still waits: only what A stored counts
        assertThat(wait).isNotDone();

        // when A flushes (the flusher's round, by hand here)
        a.offsets.flush();

        // then B's wait ends, and B stops reading the database
        wait.get(30, TimeUnit.SECONDS);
        assertThat(b.feed().processed(OWNED_BY_A)).isEqualTo(42);
        await("B's reads of the stored positions end with its last wait").atMost(PATIENCE)
                .until(() -> !b.progress.pollingStored());
        assertThat(new JdbcTemplate(a.database).queryForObject("SELECT source_position FROM consumer_offsets "
                + "WHERE group_id = ? AND topic = ? AND partition_no = ?", Long.class, GROUP, TOPIC, OWNED_BY_A))
                .isEqualTo(42);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aPositionNeverReached_stillRunsOutWithThe503(Database kind) {
        // given A has processed and flushed the stream's partition up to 41
        startTwoInstances(kind.create());
        a.process(OWNED_BY_A, 0, 41);
        a.offsets.flush();

        // when B is asked for 42, which A never processes (B has read 41 by then)
        CompletableFuture<Void> first = b.progress.whenProcessed(token(42));
        b.awaitReads(2);

        // then the wait runs out as before, saying where the partition is and that it is another instance's
        assertThatThrownBy(() -> new ReadYourWrites(Duration.ofMillis(300))
                .await(b.progress.readModel("cart", "accounts"), token(42)))
                .isInstanceOf(NotYetConsistent.class)
                .hasMessageContaining("has not yet reached accounts:42@" + STREAM)
                .hasMessageContaining("processed up to position 41 of accounts on partition " + OWNED_BY_A)
                .hasMessageContaining("not assigned to this instance (as its instance last stored it in the database)");
        assertThat(first).isNotDone();
        first.cancel(false);
        await("withdrawn waits stop the reads").atMost(PATIENCE).until(() -> !b.progress.pollingStored());
    }

    @Test
    void aPartitionAssignedHere_isNeverReadFromTheDatabase() {
        // given the instances over H2, one of which owns every partition (the embedded topology)
        startTwoInstances(Database.H2.create());
        b.feed().assigned(List.of(0, 1, 2, 3));

        // when a wait is pending on a partition it owns
        CompletableFuture<Void> wait = b.progress.whenProcessed(token(7));

        // then nothing polls, and its own consumer releases the wait
        assertThat(b.progress.pollingStored()).isFalse();
        b.feed().processed(OWNED_BY_A, 7);
        assertThat(wait).isCompleted();
        assertThat(b.reads.get()).isZero();
    }

    @Test
    void aPartitionTakenAwayDuringAWait_isThenReadFromTheDatabase() throws Exception {
        // given B owns the partition and waits on it
        startTwoInstances(Database.H2.create());
        b.feed().assigned(List.of(OWNED_BY_A));
        CompletableFuture<Void> wait = b.progress.whenProcessed(token(9));
        assertThat(b.progress.pollingStored()).isFalse();

        // when a rebalance gives it to A, which processes the record and flushes
        b.feed().revoked(List.of(OWNED_BY_A));
        a.process(OWNED_BY_A, 3, 9);
        a.offsets.flush();

        // then B's wait ends from the database
        wait.get(30, TimeUnit.SECONDS);
        assertThat(b.reads.get()).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void theStoredPosition_onlyMovesForward_withTheOffsets(Database kind) {
        // given A flushed offset 10 at position 50
        startTwoInstances(kind.create());
        a.process(OWNED_BY_A, 9, 50);
        a.offsets.flush();

        // when B, which knew less of the partition (seeded from older records), flushes an older position with a later offset
        b.process(OWNED_BY_A, 11, 30);
        b.offsets.flush();

        // then each column keeps its highest value
        Map<String, Object> row = new JdbcTemplate(a.database).queryForMap("SELECT next_offset, source_position "
                + "FROM consumer_offsets WHERE group_id = ? AND topic = ? AND partition_no = ?", GROUP, TOPIC, OWNED_BY_A);
        assertThat(((Number) row.get("next_offset")).longValue()).isEqualTo(12);
        assertThat(((Number) row.get("source_position")).longValue()).isEqualTo(50);

        // and a position that moves without a new offset (a seed) is written on its own
        a.feed().processed(OWNED_BY_A, 77);
        a.offsets.flush();
        assertThat(b.offsets.storedPositions(List.of(new ConsumerProgress.GroupPartition(GROUP, TOPIC, OWNED_BY_A))))
                .containsExactly(Map.entry(new ConsumerProgress.GroupPartition(GROUP, TOPIC, OWNED_BY_A), 77L));
    }

    @Test
    void aTableOfAnEarlierVersion_getsTheColumn_andKeepsItsRows() {
        // given a consumer_offsets table as earlier versions made it, with a row
        DataSource database = Database.H2.create();
        JdbcTemplate jdbc = new JdbcTemplate(database);
        jdbc.execute("CREATE TABLE consumer_offsets (group_id VARCHAR(200) NOT NULL, topic VARCHAR(249) NOT NULL, "
                + "partition_no INT NOT NULL, next_offset BIGINT NOT NULL, PRIMARY KEY (group_id, topic, partition_no))");
        jdbc.update("INSERT INTO consumer_offsets VALUES (?, ?, ?, ?)", GROUP, TOPIC, OWNED_BY_A, 5);

        // when the instances start on it
        startTwoInstances(database);

        // then the row is kept, with no position known, and the next flush moves it
        var partition = new ConsumerProgress.GroupPartition(GROUP, TOPIC, OWNED_BY_A);
        assertThat(b.offsets.storedPositions(List.of(partition))).containsExactly(Map.entry(partition, -1L));
        CompletableFuture<Void> wait = b.progress.whenProcessed(token(3));
        b.awaitReads(2);
        assertThat(wait).isNotDone();
        a.process(OWNED_BY_A, 5, 3);
        a.offsets.flush();
        assertThat(jdbc.queryForObject("SELECT next_offset FROM consumer_offsets", Long.class)).isEqualTo(6);
        assertThat(wait).succeedsWithin(Duration.ofSeconds(30));
    }

    @Test
    void aFailingRead_keepsTheWait_andTheNextPollAsksAgain() throws Exception {
        // given stored positions that fail twice, then answer
        ConsumerProgress progress = new ConsumerProgress(() -> Set.of(TOPIC));
        AtomicInteger asked = new AtomicInteger();
        var partition = new ConsumerProgress.GroupPartition(GROUP, TOPIC, OWNED_BY_A);
        progress.readStored(partitions -> {
            if (asked.incrementAndGet() <= 2) {
                throw new IllegalStateException("the database is restarting");
            }
            return Map.of(partition, 12L);
        }, Duration.ofMillis(10));
        progress.feed(TOPIC, GROUP).partitions(PARTITIONS);

        // when a wait for a partition of another instance is made
        CompletableFuture<Void> wait = progress.whenProcessed(token(12));

        // then it outlives the failures and ends with the answer
        wait.get(30, TimeUnit.SECONDS);
        assertThat(asked.get()).isEqualTo(3);
    }

    @Test
    void eachGroupReadingTheTopic_mustHaveStoredThePosition() throws Exception {
        // given two groups of the service on the topic, neither owning the partition here, and only one stored 20
        ConsumerProgress progress = new ConsumerProgress(() -> Set.of(TOPIC));
        Map<ConsumerProgress.GroupPartition, Long> stored = new ConcurrentHashMap<>();
        stored.put(new ConsumerProgress.GroupPartition(GROUP, TOPIC, OWNED_BY_A), 20L);
        AtomicInteger asked = new AtomicInteger();
        progress.readStored(partitions -> {
            Map<ConsumerProgress.GroupPartition, Long> answer = new HashMap<>();
            partitions.forEach(p -> {
                Long position = stored.get(p);
                if (position != null) {
                    answer.put(p, position);
                }
            });
            asked.incrementAndGet();
            return answer;
        }, Duration.ofMillis(10));
        progress.feed(TOPIC, GROUP).partitions(PARTITIONS);
        progress.feed(TOPIC, "carts-prices").partitions(PARTITIONS);

        // when a token at 20 waits
        CompletableFuture<Void> wait = progress.whenProcessed(token(20));
        await("three reads").atMost(PATIENCE).until(() -> asked.get() >= 3);

        // then it waits for the other group
        assertThat(wait).isNotDone();
        stored.put(new ConsumerProgress.GroupPartition("carts-prices", TOPIC, OWNED_BY_A), 20L);
        wait.get(30, TimeUnit.SECONDS);
    }

    /** One instance of the service: its consumer progress and its offsets, over the shared database. */
    private static final class Instance {

        final DataSource database;
        final ConsumerProgress progress = new ConsumerProgress(() -> Set.of(TOPIC));
        final ConsumerOffsets offsets;
        /** How many times it has read the stored positions. */
        final AtomicInteger reads = new AtomicInteger();

        Instance(DataSource database) {
            this.database = database;
            // flushed by hand: the flusher's first round is an hour away
            this.offsets = new ConsumerOffsets(database, new DataSourceTransactionManager(database), Duration.ofHours(1),
                    Duration.ofSeconds(1), progress);
            progress.readStored(partitions -> {
                var positions = offsets.storedPositions(partitions);
                reads.incrementAndGet();
                return positions;
            }, Duration.ofMillis(10));
        }

        ConsumerProgress.Feed feed() {
            return progress.feed(TOPIC, GROUP);
        }

        /** Its consumer finished the record at {@code offset} of {@code partition}, of source position {@code position}. */
        void process(int partition, long offset, long position) {
            offsets.finished(GROUP, TOPIC, partition, offset);
            feed().processed(partition, position);
        }

        /** Waits until it has read the stored positions {@code count} times (each read before the last is applied). */
        void awaitReads(int count) {
            await(count + " reads of the stored positions").atMost(PATIENCE).until(() -> reads.get() >= count);
        }
    }
}
