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
 * 0-20 ms inside each append transaction, just before it commits, so commits land out of batch
 * order all the time, and subscribers (live from the start, and joining half-way) must still see
 * every event exactly once, in strictly increasing, gapless position order.
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

        // when, half-way through, another subscriber starts from a position in the past
        List<Appended> appended = writeConcurrently(WRITERS, writer -> store, () -> {
            await().atMost(PATIENCE).until(() -> store.headPosition() >= JOIN_AT + 100);
            joiners.add(Follower.of(store, JOIN_AT));
        });

        // then
        long total = appended.stream().mapToLong(a -> a.events().size()).sum();
        fromStart.awaitCount(total);
        Follower lateJoiner = joiners.getFirst();
        lateJoiner.awaitCount(total - JOIN_AT);
        assertThat(commits.outOfBatchOrder()).as("commits landed out of batch order (the test did its job)").isPositive();
        assertEveryEventOnceInOrder(fromStart.events(), appended, 0);
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
        assertThat(commits.outOfBatchOrder()).isPositive();
        assertEveryEventOnceInOrder(onFirst.events(), appended, 0);
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

    private static void assertEveryEventOnceInOrder(List<RecordedEvent> seen, List<Appended> appended, long from) {
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
        assertThat(ids).hasSize(appended.stream().mapToInt(a -> a.events().size()).sum());
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
