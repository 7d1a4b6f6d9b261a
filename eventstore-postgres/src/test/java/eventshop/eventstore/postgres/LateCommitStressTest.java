package eventshop.eventstore.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * The failure that sinks sequence-numbered event stores: transactions that draw their numbers in
 * one order and commit in another, while subscribers follow the log. Here 16 writers sleep a random
 * 0-20 ms inside each append transaction, just before it commits, and subscribers (live from the
 * start, and joining half-way) must still see every event exactly once, in strictly increasing,
 * gapless position order. The engine's own writers give positions under the head row's lock, so
 * their commits cannot land out of order; to keep the hazard itself in the test, writers of the
 * older kind (as a crashed or foreign writer leaves them) commit rows without a position at the
 * same time, from transactions that draw batch ids in one order, sleep, and commit in another.
 */
class LateCommitStressTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final int WRITERS = 16;
    private static final int APPENDS_PER_WRITER = 40;
    private static final int JOIN_AT = 150;

    private final List<PostgresEventStore> stores = new ArrayList<>();

    @AfterEach
    void closeStores() {
        stores.forEach(PostgresEventStore::close);
    }

    @Test
    void subscribers_seeEveryEventOnceInGaplessOrder_whileWritersCommitLateAndOutOfOrder() throws Exception {
        // given
        PostgresEventStore store = open(TestDatabase.freshOptions().withMaxPoolSize(WRITERS + 4));
        CommitLog commits = new CommitLog();
        store.beforeCommit(commits);
        Follower fromStart = Follower.of(store, 0);

        List<Follower> joiners = new CopyOnWriteArrayList<>();

        RogueWriters rogues = new RogueWriters(store.schema());

        // when, half-way through, another subscriber starts from a position in the past
        List<Appended> appended = writeConcurrently(WRITERS, writer -> store, () -> {
            rogues.start();
            await().atMost(PATIENCE).until(() -> store.headPosition() >= JOIN_AT + 100);
            joiners.add(Follower.of(store, JOIN_AT));
        });
        rogues.await();

        // then
        long total = appended.stream().mapToLong(a -> a.events().size()).sum() + rogues.ids.size();
        fromStart.awaitCount(total);
        Follower lateJoiner = joiners.getFirst();
        lateJoiner.awaitCount(total - JOIN_AT);
        assertThat(commits.count()).as("every append slept inside its transaction").isEqualTo(WRITERS * APPENDS_PER_WRITER);
        assertThat(rogues.log.outOfBatchOrder()).as("commits landed out of batch order (the test did its job)").isPositive();
        assertEveryEventOnceInOrder(fromStart.events(), appended, 0, rogues.ids);
        assertThat(lateJoiner.events()).isEqualTo(fromStart.events().subList(JOIN_AT, (int) total));
        assertThat(store.readAll(0, (int) total + 10).collectList().block(PATIENCE)).isEqualTo(fromStart.events());
    }

    @Test
    void subscribers_ofEveryProcess_seeEveryEventOnceInGaplessOrder_whenTwoProcessesWriteOneLog() throws Exception {
        // given two stores on one schema (two instances of a service), each with its own sequencer,
        // and a third that only reads (another process following the log through LISTEN/NOTIFY)
        PostgresEventStoreOptions options = TestDatabase.freshOptions().withMaxPoolSize(WRITERS / 2 + 4);
        PostgresEventStore first = open(options);
        PostgresEventStore second = open(options);
        PostgresEventStore reader = open(options);
        CommitLog commits = new CommitLog();
        first.beforeCommit(commits);
        second.beforeCommit(commits);
        Follower onFirst = Follower.of(first, 0);
        Follower onReader = Follower.of(reader, 0);

        // when
        List<Appended> appended = writeConcurrently(WRITERS, writer -> writer % 2 == 0 ? first : second, () -> { });

        // then
        long total = appended.stream().mapToLong(a -> a.events().size()).sum();
        onFirst.awaitCount(total);
        onReader.awaitCount(total);
        assertThat(commits.count()).isEqualTo(WRITERS * APPENDS_PER_WRITER);
        assertEveryEventOnceInOrder(onFirst.events(), appended, 0, Set.of());
        assertThat(onReader.events()).isEqualTo(onFirst.events());
    }

    // ------------------------------------------------------------------------------------------ helpers

    private PostgresEventStore open(PostgresEventStoreOptions options) {
        PostgresEventStore store = PostgresEventStore.open(options);
        stores.add(store);
        return store;
    }

    private record Appended(String streamId, List<EventData> events, AppendResult result) {
    }

    @FunctionalInterface
    private interface StoreOfWriter {
        PostgresEventStore of(int writer);
    }

    /** Each writer appends batches of 1 to 3 events to its own stream and to four shared ones. */
    private static List<Appended> writeConcurrently(int writers, StoreOfWriter storeOf, Runnable meanwhile)
            throws Exception {
        ConcurrentLinkedQueue<Appended> appended = new ConcurrentLinkedQueue<>();
        ExecutorService executor = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(executor.submit(() -> {
                    start.await();
                    PostgresEventStore store = storeOf.of(writer);
                    for (int i = 0; i < APPENDS_PER_WRITER; i++) {
                        String streamId = i % 3 == 0 ? "writer-" + writer : "shared-" + (i % 4);
                        List<EventData> events = events(writer, i, 1 + ThreadLocalRandom.current().nextInt(3));
                        appended.add(new Appended(streamId, events, store.append(streamId, ExpectedVersion.any(), events)));
                    }
                    return null;
                }));
            }
            start.countDown();
            meanwhile.run();
            for (Future<?> future : futures) {
                future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
        return new ArrayList<>(appended);
    }

    private static List<EventData> events(int writer, int append, int count) {
        List<EventData> events = new ArrayList<>();
        for (int e = 0; e < count; e++) {
            byte[] data = ("{\"writer\":" + writer + ",\"append\":" + append + ",\"event\":" + e + "}")
                    .getBytes(StandardCharsets.UTF_8);
            events.add(new EventData(UUID.randomUUID(), "Stressed", data, Metadata.EMPTY));
        }
        return events;
    }

    private static void assertEveryEventOnceInOrder(List<RecordedEvent> seen, List<Appended> appended, long from,
                                                    Set<UUID> rogueIds) {
        assertThat(seen).extracting(RecordedEvent::position)
                .as("strictly increasing and gapless")
                .containsExactlyElementsOf(LongStream.range(from, from + seen.size()).boxed().toList());
        Set<UUID> ids = new HashSet<>();
        for (RecordedEvent event : seen) {
            assertThat(ids.add(event.eventId())).as("event %s delivered twice", event.eventId()).isTrue();
        }
        for (Appended append : appended) {
            long last = append.result().position();
            List<EventData> events = append.events();
            for (int i = 0; i < events.size(); i++) {
                RecordedEvent at = seen.get((int) (last - events.size() + 1 + i - from));
                assertThat(at.eventId()).as("batch stored contiguously, acknowledged where it landed")
                        .isEqualTo(events.get(i).eventId());
                assertThat(at.streamId()).isEqualTo(append.streamId());
            }
            assertThat(seen.get((int) (last - from)).version()).isEqualTo(append.result().streamVersion());
        }
        assertThat(ids).containsAll(rogueIds);
        assertThat(ids).hasSize(appended.stream().mapToInt(a -> a.events().size()).sum() + rogueIds.size());
    }

    /**
     * Four writers that append the way a writer without the head lock would: each transaction
     * inserts a row with no position (drawing a batch id), sleeps 0-20 ms, then commits, so their
     * commits land out of batch order; the engine must position them (its groups and its sequencer
     * do) without any subscriber skipping or repeating anything.
     */
    private static final class RogueWriters {
        private static final int THREADS = 4;
        private static final int EACH = 40;
        final CommitLog log = new CommitLog();
        final Set<UUID> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final String schema;
        private final ExecutorService executor = Executors.newFixedThreadPool(THREADS);
        private final List<Future<?>> futures = new ArrayList<>();

        RogueWriters(String schema) {
            this.schema = schema;
        }

        void start() {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    try (java.sql.Connection c = java.sql.DriverManager.getConnection(TestDatabase.jdbcUrl(), "postgres", null)) {
                        c.setAutoCommit(false);
                        for (int i = 0; i < EACH; i++) {
                            UUID id = UUID.randomUUID();
                            long batchId;
                            try (java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO " + schema
                                    + ".events (stream_id, version, batch_id, position, event_id, type, metadata, data)"
                                    + " VALUES (?, ?, nextval('" + schema + ".batch_ids'), NULL, ?, 'Rogue', ?, ?)"
                                    + " RETURNING batch_id")) {
                                insert.setString(1, "rogue-" + thread);
                                insert.setLong(2, i);
                                insert.setObject(3, id);
                                insert.setBytes(4, MetadataCodec.encode(Metadata.EMPTY));
                                insert.setBytes(5, "{}".getBytes(StandardCharsets.UTF_8));
                                try (java.sql.ResultSet row = insert.executeQuery()) {
                                    row.next();
                                    batchId = row.getLong(1);
                                }
                            }
                            try (java.sql.Statement sleep = c.createStatement()) {
                                sleep.execute("SELECT pg_sleep(random() * 0.02)");
                            }
                            c.commit();
                            log.committed(batchId);
                            ids.add(id);
                        }
                    }
                    return null;
                }));
            }
        }

        void await() throws Exception {
            try {
                for (Future<?> future : futures) {
                    future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                }
            } finally {
                executor.shutdownNow();
            }
        }
    }

    /**
     * Sleeps 0-20 ms inside each append transaction, after its insert (so after it drew its batch
     * id) and just before its COMMIT, and records the order in which batch ids commit.
     */
    private static final class CommitLog implements PostgresEventStore.BeforeCommit {
        private final ConcurrentLinkedQueue<Long> committedBatchIds = new ConcurrentLinkedQueue<>();

        @Override
        public String sql() {
            return "DO $$ BEGIN PERFORM pg_sleep(random() * 0.02); END $$";
        }

        @Override
        public void committed(long batchId) {
            committedBatchIds.add(batchId);
        }

        long count() {
            return committedBatchIds.size();
        }

        /** How many commits came after a commit of a later-drawn batch id. */
        long outOfBatchOrder() {
            long highest = Long.MIN_VALUE;
            long late = 0;
            for (long batchId : committedBatchIds) {
                if (batchId < highest) {
                    late++;
                }
                highest = Math.max(highest, batchId);
            }
            return late;
        }
    }

    /**
     * A subscriber with unbounded demand that records what it receives and notices at once an
     * event that is not the next position (a skipped or repeated event).
     */
    private static final class Follower {
        private final List<RecordedEvent> events = new CopyOnWriteArrayList<>();
        private volatile Throwable error;
        private volatile String broken;
        private long expected;
        private Disposable subscription;

        static Follower of(PostgresEventStore store, long from) {
            Follower follower = new Follower();
            follower.expected = from;
            follower.subscription = store.subscribe(from).subscribe(follower::receive, e -> follower.error = e);
            return follower;
        }

        private void receive(RecordedEvent event) {
            if (event.position() != expected && broken == null) {
                broken = "expected position " + expected + " but was delivered " + event;
            }
            expected = event.position() + 1;
            events.add(event);
        }

        void awaitCount(long count) {
            await().atMost(PATIENCE).until(() -> error != null || broken != null || events.size() >= count);
            assertThat(error).as("subscription failed").isNull();
            assertThat(broken).as("an event was skipped or repeated").isNull();
            subscription.dispose();
            assertThat(events).hasSize((int) count);
        }

        List<RecordedEvent> events() {
            return List.copyOf(events);
        }
    }
}
