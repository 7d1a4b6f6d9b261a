package eventshop.eventstore.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * Subscribers learn of other processes' appends through LISTEN/NOTIFY; when notifications do not
 * come (the listening connection was killed, or LISTEN is off), polling must still deliver
 * everything, in order. Stores on one schema stand for processes sharing a log.
 */
class NotificationFallbackTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final List<PostgresEventStore> stores = new ArrayList<>();
    private final List<Disposable> subscriptions = new ArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        subscriptions.forEach(Disposable::dispose);
        stores.forEach(PostgresEventStore::close);
    }

    @Nested
    class WhenTheListenerIsUp {

        @Test
        void anotherProcesssAppends_reachASubscriber_byTheirNotification_notByPolling() throws Exception {
            // given a follower that would poll only once an hour
            PostgresEventStoreOptions options = TestDatabase.freshOptions();
            PostgresEventStore follower = open(options.withPollInterval(Duration.ofHours(1)));
            PostgresEventStore writer = open(options);
            List<RecordedEvent> seen = follow(follower);
            await().atMost(PATIENCE).until(() -> follower.listenerBackendPid() != 0);

            // when another process appends alone (append_group's one round trip), then many at once (groups)
            append(writer, "cart-1", 1);
            awaitPositions(seen, 1, Duration.ofSeconds(20));
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                String stream = "cart-w" + w;
                writers.add(Thread.ofPlatform().start(() -> append(writer, stream, 10)));
            }
            for (Thread thread : writers) {
                thread.join();
            }

            // then the follower sees every event, in order, long before its first poll
            awaitPositions(seen, 81, Duration.ofSeconds(20));
        }
    }

    @Nested
    class WhenTheListeningConnectionIsKilled {

        @Test
        void pollingStillDelivers_andTheListenerComesBack() {
            // given
            PostgresEventStoreOptions options = TestDatabase.freshOptions();
            PostgresEventStore follower = open(options);
            PostgresEventStore writer = open(options);
            List<RecordedEvent> seen = follow(follower);
            await().atMost(PATIENCE).until(() -> follower.listenerBackendPid() != 0);
            int killed = follower.listenerBackendPid();
            System.err.println("killing listener of " + options.schema() + " at pid " + killed);

            // when
            TestDatabase.execute("SELECT pg_terminate_backend(" + killed + ")");
            append(writer, "cart-1", 30);

            // then
            awaitPositions(seen, 30);
            await().atMost(PATIENCE).until(() -> follower.listenerBackendPid() != 0
                    && follower.listenerBackendPid() != killed);
            append(writer, "cart-2", 20);
            awaitPositions(seen, 50);
        }
    }

    @Nested
    class WhenListenIsOff {

        @Test
        void pollingAloneDelivers_everythingInOrder() {
            // given
            PostgresEventStoreOptions options = TestDatabase.freshOptions();
            PostgresEventStore follower = open(options.withListen(false));
            PostgresEventStore writer = open(options);
            List<RecordedEvent> seen = follow(follower);

            // when
            append(writer, "cart-1", 25);
            append(writer, "cart-2", 25);

            // then
            assertThat(follower.listenerBackendPid()).isZero();
            awaitPositions(seen, 50);
        }
    }

    @Nested
    class WhenAProcessDiedBetweenCommitAndSequencing {

        @Test
        void itsCommittedRows_areSequencedByTheNextPoll_andSubscribersSeeThem() {
            // given a store that is running, and rows another process committed but never sequenced
            PostgresEventStoreOptions options = TestDatabase.freshOptions();
            PostgresEventStore store = open(options);
            append(store, "cart-1", 3);
            List<RecordedEvent> seen = follow(store);
            String s = options.schema() + ".";
            TestDatabase.execute("INSERT INTO " + s + "streams (stream_id, version) VALUES ('orphan', 1);"
                    + " INSERT INTO " + s + "events (stream_id, version, batch_id, position, event_id, type, metadata, data)"
                    + " SELECT 'orphan', v, b.id, NULL, gen_random_uuid(), 'Orphaned', decode('01' || repeat('00', 12) || '00000001' || repeat('00', 16), 'hex'), ''::bytea"
                    + " FROM (SELECT nextval('" + s + "batch_ids') AS id) b, generate_series(0, 1) v");

            // when nothing but the store's own polling runs
            // then
            awaitPositions(seen, 5);
            assertThat(seen.subList(3, 5)).extracting(RecordedEvent::streamId).containsOnly("orphan");
            assertThat(store.streamVersion("orphan")).isEqualTo(1);
            assertThat(store.append("cart-1", ExpectedVersion.exactly(2), batch(1)).position()).isEqualTo(5);
        }
    }

    private PostgresEventStore open(PostgresEventStoreOptions options) {
        PostgresEventStore store = PostgresEventStore.open(options);
        stores.add(store);
        return store;
    }

    private List<RecordedEvent> follow(PostgresEventStore store) {
        List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
        subscriptions.add(store.subscribe(0).subscribe(seen::add, error -> failures.add(error)));
        return seen;
    }

    private static void append(PostgresEventStore store, String streamId, int appends) {
        for (int i = 0; i < appends; i++) {
            store.append(streamId, ExpectedVersion.any(), batch(1));
        }
    }

    private static List<EventData> batch(int size) {
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            events.add(new EventData(UUID.randomUUID(), "Added", "{}".getBytes(), Metadata.EMPTY));
        }
        return events;
    }

    private void awaitPositions(List<RecordedEvent> seen, int count) {
        awaitPositions(seen, count, PATIENCE);
    }

    private void awaitPositions(List<RecordedEvent> seen, int count, Duration within) {
        await().atMost(within).until(() -> seen.size() >= count || !failures.isEmpty());
        assertThat(failures).as("subscription errors").isEmpty();
        assertThat(seen).extracting(RecordedEvent::position)
                .containsExactlyElementsOf(LongStream.range(0, seen.size()).boxed().toList());
        assertThat(seen).hasSize(count);
    }
}
