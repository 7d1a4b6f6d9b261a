package eventshop.eventstore.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.StorageUnavailable;
import eventshop.eventstore.WrongExpectedVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A lone writer writes its append on its own thread with the committer's connection (no hand-off),
 * and that path mixes with group commit: joined by 16 concurrent writers, after an asynchronous
 * append of the same thread, on a connection that breaks under it, and with expected versions that
 * do not hold.
 */
class LoneWriterTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void aLoneWriterWritesOnItsOwnThread_andOneJoinedBySixteenWritersKeepsItsOrder() throws Exception {
        try (PostgresEventStore store = PostgresEventStore.open(TestDatabase.freshOptions().withMaxPoolSize(20))) {
            // given a writer alone: every append takes the lone path
            List<AppendResult> lone = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                lone.add(store.append("lone", expected(i), List.of(event())));
            }
            assertThat(store.loneWrites()).isEqualTo(5);

            // when 16 writers join it while it goes on appending to its stream
            int joiners = 16;
            int each = 25;
            CountDownLatch started = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(joiners);
            List<Future<List<AppendResult>>> joined = new ArrayList<>();
            try {
                for (int w = 0; w < joiners; w++) {
                    String stream = "joiner-" + w;
                    joined.add(pool.submit(() -> {
                        started.await();
                        List<AppendResult> results = new ArrayList<>();
                        for (int i = 0; i < each; i++) {
                            results.add(store.append(stream, expected(i), List.of(event())));
                        }
                        return results;
                    }));
                }
                started.countDown();
                for (int i = 5; i < 100; i++) {
                    lone.add(store.append("lone", expected(i), List.of(event())));
                }
                // then every append of every writer is stored, in the order each made them
                for (Future<List<AppendResult>> future : joined) {
                    assertIncreasing(future.get());
                }
            } finally {
                pool.shutdownNow();
            }
            assertIncreasing(lone);
            assertThat(lone.getLast().streamVersion()).isEqualTo(99);
            long total = 100 + joiners * each;
            assertThat(store.appendsWritten()).isEqualTo(total);
            List<RecordedEvent> all = store.readAll(0, (int) total + 1).collectList().block(PATIENCE);
            assertThat(all).extracting(RecordedEvent::position)
                    .containsExactlyElementsOf(java.util.stream.LongStream.range(0, total).boxed().toList());
        }
    }

    @Test
    void anAppendAfterAnAsynchronousOneOfTheSameThread_isWrittenAfterIt_whileOthersKeepTheCommitterBusy()
            throws Exception {
        try (PostgresEventStore store = PostgresEventStore.open(TestDatabase.freshOptions().withMaxPoolSize(12))) {
            // given writers keeping the committer busy now and then
            List<Thread> busy = new ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int w = 0; w < 4; w++) {
                String stream = "busy-" + w;
                busy.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < 40; i++) {
                            store.appendAsync(stream, ExpectedVersion.any(), List.of(event()));
                            store.append(stream, ExpectedVersion.any(), List.of(event()));
                        }
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }));
            }

            // when one thread appends asynchronously, then at once synchronously (another stream)
            List<CompletableFuture<AppendResult>> first = new ArrayList<>();
            List<AppendResult> second = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                first.add(store.appendAsync("first-" + i, ExpectedVersion.noStream(), List.of(event())));
                second.add(store.append("second-" + i, ExpectedVersion.noStream(), List.of(event())));
            }
            for (Thread thread : busy) {
                thread.join();
            }

            // then each synchronous append was written after the asynchronous one before it
            assertThat(failures).isEmpty();
            for (int i = 0; i < 60; i++) {
                assertThat(second.get(i).position()).as("append %d", i)
                        .isGreaterThan(first.get(i).get().position());
            }
        }
    }

    @Test
    void aConnectionThatBreaksUnderALoneAppend_failsItAsStorageUnavailable_andTheNextAppendWorks() {
        try (PostgresEventStore store = PostgresEventStore.open(TestDatabase.freshOptions())) {
            // given a lone writer whose connection is cut inside its transaction, before COMMIT
            store.append("cart-1", ExpectedVersion.noStream(), List.of(event()));
            long loneBefore = store.loneWrites();
            store.beforeCommit(new PostgresEventStore.BeforeCommit() {
                @Override
                public String sql() {
                    return "SELECT pg_terminate_backend(pg_backend_pid())";
                }

                @Override
                public void committed(long batchId) {
                }
            });

            // when it appends, then the append fails typed, on its own thread
            assertThatThrownBy(() -> store.append("cart-1", ExpectedVersion.exactly(0), List.of(event())))
                    .isInstanceOf(StorageUnavailable.class);
            assertThat(store.loneWrites()).isEqualTo(loneBefore + 1);

            // and the next append, on a fresh connection, is written as if the failed one never was
            store.beforeCommit(null);
            assertThat(store.append("cart-1", ExpectedVersion.exactly(0), List.of(event())))
                    .isEqualTo(new AppendResult(1, 1));
            assertThat(store.read("cart-1", 0).collectList().block(PATIENCE)).hasSize(2);
        }
    }

    @Test
    void onTheLonePath_aWrongExpectedVersionFails_aRetryAnswersTheStoredResult_andTheNextAppendWorks() {
        try (PostgresEventStore store = PostgresEventStore.open(TestDatabase.freshOptions())) {
            EventData first = event();
            AppendResult stored = store.append("order-1", ExpectedVersion.noStream(), List.of(first));

            assertThatThrownBy(() -> store.append("order-1", ExpectedVersion.noStream(), List.of(event())))
                    .isInstanceOf(WrongExpectedVersion.class);
            assertThatThrownBy(() -> store.append("order-1", ExpectedVersion.exactly(5), List.of(event())))
                    .isInstanceOf(WrongExpectedVersion.class);
            assertThat(store.append("order-1", ExpectedVersion.noStream(), List.of(first))).isEqualTo(stored);
            assertThat(store.append("order-1", ExpectedVersion.exactly(0), List.of(event())))
                    .isEqualTo(new AppendResult(1, 1));
            assertThat(store.loneWrites()).isEqualTo(5);
            assertThat(store.read("order-1", 0).collectList().block(PATIENCE)).hasSize(2);
        }
    }

    private static ExpectedVersion expected(int i) {
        return i == 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(i - 1);
    }

    private static void assertIncreasing(List<AppendResult> results) {
        for (int i = 1; i < results.size(); i++) {
            assertThat(results.get(i).position()).isGreaterThan(results.get(i - 1).position());
            assertThat(results.get(i).streamVersion()).isEqualTo(results.get(i - 1).streamVersion() + 1);
        }
    }

    static EventData event() {
        return new EventData(UUID.randomUUID(), "Added", "{}".getBytes(), Metadata.EMPTY);
    }
}
