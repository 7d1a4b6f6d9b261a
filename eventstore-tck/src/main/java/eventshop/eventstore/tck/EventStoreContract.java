package eventshop.eventstore.tck;

import static eventshop.eventstore.ExpectedVersion.any;
import static eventshop.eventstore.ExpectedVersion.exactly;
import static eventshop.eventstore.ExpectedVersion.noStream;
import static eventshop.eventstore.tck.Events.batch;
import static eventshop.eventstore.tck.Events.batchOfSize;
import static eventshop.eventstore.tck.Events.bytes;
import static eventshop.eventstore.tck.Events.event;
import static eventshop.eventstore.tck.Events.everyByteValue;
import static eventshop.eventstore.tck.Events.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.DuplicateEventId;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.Limits;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.Snapshot;
import eventshop.eventstore.StoreClosedException;
import eventshop.eventstore.WrongExpectedVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The contract of {@link EventStore} (DESIGN §4): every engine's test extends this class and
 * supplies only {@link #open(Path)}. An engine is done when the suite passes unchanged.
 *
 * <p>Each test gets a fresh, empty directory and a store opened on it, closed after the test.
 * Engines that keep their events across {@code close()} extend {@link PersistentEventStoreContract}
 * instead, which adds the reopen tests; an engine that keeps nothing overrides {@link #persistent()}
 * to say so, and a test of this class checks that the two declarations agree, so a persistent
 * engine cannot skip the reopen tests by extending the wrong class.
 *
 * <p>Timeouts here ({@link #PATIENCE}) only bound a hang; no assertion passes because time went by.
 * Speed is measured in {@code benchmarks/}, not here.
 */
public abstract class EventStoreContract {

    /** How long a blocking read, a thread or an awaited condition may take before the test fails. */
    protected static final Duration PATIENCE = Duration.ofSeconds(60);

    /** The directory the store under test lives in; fresh and empty for each test. */
    @TempDir
    protected Path directory;

    /** The store under test, opened on {@link #directory} before each test and closed after it. */
    protected EventStore store;

    /**
     * Opens the engine on {@code directory}. For a persistent engine, opening a directory again after
     * the previous store on it was closed must give back everything that store acknowledged.
     */
    protected abstract EventStore open(Path directory);

    /**
     * Whether the engine keeps its events across close and reopen. Only an engine that keeps nothing
     * (such as the in-memory one) overrides this to return false.
     */
    protected boolean persistent() {
        return true;
    }

    @BeforeEach
    void openStore() {
        store = open(directory);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void suite_matchesWhetherTheEngineIsPersistent() {
        if (persistent()) {
            assertThat(this)
                    .as("a persistent engine's test must extend PersistentEventStoreContract so that the reopen"
                            + " tests run (or override persistent() to return false if nothing survives close)")
                    .isInstanceOf(PersistentEventStoreContract.class);
        } else {
            assertThat(this).isNotInstanceOf(PersistentEventStoreContract.class);
        }
    }

    @Nested
    class Appending {

        @Test
        void newStore_isEmpty() {
            assertThat(store.headPosition()).isEqualTo(-1);
            assertThat(store.streamVersion("cart-1")).isEqualTo(ExpectedVersion.NO_STREAM_VERSION);
            assertThat(readAll(0)).isEmpty();
            assertThat(read("cart-1")).isEmpty();
        }

        @Test
        void firstAppend_getsVersionZeroAndPositionZero() {
            AppendResult result = store.append("cart-1", noStream(), List.of(event()));

            assertThat(result).isEqualTo(new AppendResult(0, 0));
        }

        @Test
        void append_returnsTheVersionAndPositionOfTheBatchsLastEvent() {
            // given
            store.append("cart-1", noStream(), batch(2));
            store.append("cart-2", noStream(), batch(3));

            // when
            AppendResult result = store.append("cart-1", exactly(1), batch(4));

            // then
            assertThat(result).isEqualTo(new AppendResult(5, 8));
            RecordedEvent last = readAll(8, 1).getFirst();
            assertThat(last.streamId()).isEqualTo("cart-1");
            assertThat(last.version()).isEqualTo(5);
        }

        @Test
        void appendWithAny_succeedsWhateverTheStreamsVersion() {
            assertThat(store.append("cart-1", any(), batch(2))).isEqualTo(new AppendResult(1, 1));
            assertThat(store.append("cart-1", any(), batch(1))).isEqualTo(new AppendResult(2, 2));
        }

        @Test
        void appendWithNoStream_succeedsForAStreamWithoutEvents() {
            store.append("cart-1", noStream(), batch(1));

            assertThat(store.append("cart-2", noStream(), batch(2))).isEqualTo(new AppendResult(1, 2));
        }

        @Test
        void appendWithNoStream_fails_whenTheStreamHasEvents() {
            store.append("cart-1", noStream(), batch(2));

            assertWrongExpectedVersion(() -> store.append("cart-1", noStream(), batch(1)), "cart-1", noStream(), 1);
        }

        @Test
        void appendWithExactly_succeeds_whenItMatchesTheCurrentVersion() {
            store.append("cart-1", noStream(), batch(3));

            assertThat(store.append("cart-1", exactly(2), batch(1))).isEqualTo(new AppendResult(3, 3));
        }

        @Test
        void append_fails_whenExpectedVersionIsStale() {
            store.append("cart-1", noStream(), batch(3));

            assertWrongExpectedVersion(() -> store.append("cart-1", exactly(1), batch(1)), "cart-1", exactly(1), 2);
        }

        @Test
        void append_fails_whenExpectedVersionIsAhead() {
            store.append("cart-1", noStream(), batch(2));

            assertWrongExpectedVersion(() -> store.append("cart-1", exactly(5), batch(1)), "cart-1", exactly(5), 1);
        }

        @Test
        void appendWithExactly_fails_forAStreamWithoutEvents_reportingVersionMinusOne() {
            store.append("cart-2", noStream(), batch(3));

            assertWrongExpectedVersion(() -> store.append("cart-1", exactly(0), batch(1)), "cart-1", exactly(0), -1);
        }

        @Test
        void failedAppend_storesNoneOfItsBatch() {
            // given
            store.append("cart-1", noStream(), batch(2));
            List<RecordedEvent> before = readAll(0);

            // when
            catchThrowable(() -> store.append("cart-1", exactly(0), batch(5)));
            catchThrowable(() -> store.append("cart-1", noStream(), batch(5)));

            // then
            assertThat(readAll(0)).isEqualTo(before);
            assertThat(store.streamVersion("cart-1")).isEqualTo(1);
            assertThat(store.headPosition()).isEqualTo(1);
            assertThat(store.append("cart-1", exactly(1), batch(1))).isEqualTo(new AppendResult(2, 2));
        }

        @Test
        void expectedVersion_isCheckedOncePerBatch_notPerEvent() {
            store.append("cart-1", noStream(), batch(1));

            AppendResult result = store.append("cart-1", exactly(0), batch(5));

            assertThat(result).isEqualTo(new AppendResult(5, 5));
            assertThat(read("cart-1")).extracting(RecordedEvent::version).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        }

        @Test
        void failedBatch_canBeAppendedLater_withTheSameEventIds() {
            // given
            store.append("cart-1", noStream(), batch(2));
            List<EventData> rejected = batch(2);
            catchThrowable(() -> store.append("cart-1", exactly(0), rejected));

            // when
            AppendResult result = store.append("cart-1", exactly(1), rejected);

            // then
            assertThat(result).isEqualTo(new AppendResult(3, 3));
            assertThat(read("cart-1", 2)).extracting(RecordedEvent::eventId)
                    .containsExactly(rejected.get(0).eventId(), rejected.get(1).eventId());
        }

        @Test
        void appendedEvents_areVisibleToEveryRead_assoonAsAppendReturns() {
            for (int i = 0; i < 50; i++) {
                List<EventData> events = batch(1 + i % 3);

                AppendResult result = store.append("cart-" + i % 4, any(), events);

                assertThat(store.headPosition()).isEqualTo(result.position());
                assertThat(store.streamVersion("cart-" + i % 4)).isEqualTo(result.streamVersion());
                assertThat(read("cart-" + i % 4, result.streamVersion())).singleElement()
                        .extracting(RecordedEvent::eventId).isEqualTo(events.getLast().eventId());
                assertThat(readAll(result.position())).singleElement()
                        .extracting(RecordedEvent::eventId).isEqualTo(events.getLast().eventId());
            }
        }

        @Test
        void streams_areVersionedIndependently() {
            store.append("cart-1", noStream(), batch(3));
            store.append("cart-2", noStream(), batch(1));
            store.append("cart-1", exactly(2), batch(1));

            assertThat(store.streamVersion("cart-1")).isEqualTo(3);
            assertThat(store.streamVersion("cart-2")).isEqualTo(0);
            assertThat(store.append("cart-2", exactly(0), batch(1))).isEqualTo(new AppendResult(1, 5));
        }

        @Test
        void versions_withinAStream_startAtZeroAndHaveNoGaps() {
            long expectedVersion = -1;
            for (int size = 1; size <= 12; size++) {
                store.append("cart-1", expectedVersion < 0 ? noStream() : exactly(expectedVersion), batch(size));
                store.append("cart-2", any(), batch(1));
                expectedVersion += size;
            }

            assertThat(read("cart-1")).extracting(RecordedEvent::version).containsExactlyElementsOf(range(0, 78));
            assertThat(read("cart-1")).extracting(RecordedEvent::streamId).containsOnly("cart-1");
        }
    }

    @Nested
    class ConcurrentWriters {

        @Test
        void optimisticConcurrency_letsExactlyOneWriterWinEachVersion() {
            // given
            int writers = 16;
            int versions = 300;
            ConcurrentMap<Long, EventData> winners = new ConcurrentHashMap<>();

            // when every writer reads the version and appends with exactly that expectation, until the stream is full
            Concurrently.run(writers, PATIENCE, writer -> {
                while (true) {
                    long seen = store.streamVersion("contended");
                    if (seen >= versions - 1) {
                        return;
                    }
                    EventData candidate = event("Claimed", json("{\"writer\":" + writer + ",\"seen\":" + seen + "}"));
                    try {
                        AppendResult result = store.append("contended", seen < 0 ? noStream() : exactly(seen),
                                List.of(candidate));
                        assertThat(result.streamVersion()).isEqualTo(seen + 1);
                        assertThat(winners.putIfAbsent(result.streamVersion(), candidate))
                                .as("a second writer won version %d", result.streamVersion()).isNull();
                    } catch (WrongExpectedVersion conflict) {
                        assertThat(conflict.streamId()).isEqualTo("contended");
                        assertThat(conflict.actualVersion()).isGreaterThan(seen);
                    }
                }
            });

            // then
            List<RecordedEvent> stream = read("contended");
            assertThat(stream).extracting(RecordedEvent::version).containsExactlyElementsOf(range(0, versions));
            assertThat(winners).hasSize(versions);
            assertThat(stream).extracting(RecordedEvent::eventId).containsExactlyElementsOf(
                    LongStream.range(0, versions).mapToObj(v -> winners.get(v).eventId()).toList());
            assertThat(stream).extracting(RecordedEvent::position).containsExactlyElementsOf(range(0, versions));
        }

        @Test
        void concurrentWriters_getGaplessStrictlyIncreasingPositions_acrossStreams() {
            // given
            int writers = 8;
            int appendsEach = 60;
            ConcurrentMap<Long, List<EventData>> batchByLastPosition = new ConcurrentHashMap<>();
            List<List<EventData>> ownBatches = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                ownBatches.add(new CopyOnWriteArrayList<>());
            }
            CountDownLatch writersLeft = new CountDownLatch(writers);

            // when writers append to their own stream and a shared one while a reader checks what it can see
            Concurrently.run(writers + 1, PATIENCE, thread -> {
                if (thread == writers) {
                    readWhileWriting(writersLeft);
                    return;
                }
                try {
                    for (int i = 0; i < appendsEach; i++) {
                        List<EventData> events = batch(1 + (thread + i) % 5);
                        boolean own = i % 2 == 0;
                        AppendResult result = store.append(own ? "writer-" + thread : "shared", any(), events);
                        assertThat(batchByLastPosition.put(result.position(), events))
                                .as("two appends reported position %d", result.position()).isNull();
                        if (own) {
                            ownBatches.get(thread).addAll(events);
                        }
                    }
                } finally {
                    writersLeft.countDown();
                }
            });

            // then
            List<RecordedEvent> all = readAll(0);
            assertThat(all).extracting(RecordedEvent::position).containsExactlyElementsOf(range(0, all.size()));
            assertThat(store.headPosition()).isEqualTo(all.size() - 1);
            batchByLastPosition.forEach((position, events) -> {
                RecordedEvent last = all.get(position.intValue());
                assertThat(last.eventId()).isEqualTo(events.getLast().eventId());
                List<RecordedEvent> wholeBatch = all.subList(position.intValue() - events.size() + 1, position.intValue() + 1);
                assertThat(wholeBatch).extracting(RecordedEvent::eventId)
                        .as("a batch is stored contiguously")
                        .containsExactlyElementsOf(events.stream().map(EventData::eventId).toList());
            });
            for (int w = 0; w < writers; w++) {
                assertThat(read("writer-" + w)).extracting(RecordedEvent::eventId).containsExactlyElementsOf(
                        ownBatches.get(w).stream().map(EventData::eventId).toList());
            }
            assertThat(read("shared")).extracting(RecordedEvent::version)
                    .containsExactlyElementsOf(range(0, store.streamVersion("shared") + 1));
        }

        private void readWhileWriting(CountDownLatch writersLeft) {
            long lastHead = -1;
            while (writersLeft.getCount() > 0) {
                long head = store.headPosition();
                assertThat(head).as("head position never goes back").isGreaterThanOrEqualTo(lastHead);
                lastHead = head;
                if (head < 0) {
                    continue;
                }
                long from = Math.max(0, head - 20);
                List<RecordedEvent> window = readAll(from, 40);
                assertThat(window).extracting(RecordedEvent::position)
                        .as("readers see no gap below the head they were told")
                        .startsWith(LongStream.rangeClosed(from, head).boxed().toArray(Long[]::new));
                assertThat(window).extracting(RecordedEvent::position)
                        .containsExactlyElementsOf(range(from, from + window.size()));
            }
        }
    }

    @Nested
    class IdempotentRetries {

        @Test
        void retryWithTheSameExpectedVersion_returnsTheOriginalResult_andAddsNothing() {
            // given
            List<EventData> first = batch(3);
            AppendResult firstResult = store.append("cart-1", noStream(), first);
            List<EventData> second = batch(2);
            AppendResult secondResult = store.append("cart-1", exactly(2), second);
            store.append("cart-2", noStream(), batch(1));
            List<RecordedEvent> before = readAll(0);

            // when
            AppendResult firstRetried = store.append("cart-1", noStream(), first);
            AppendResult secondRetried = store.append("cart-1", exactly(2), second);

            // then
            assertThat(firstRetried).isEqualTo(firstResult);
            assertThat(secondRetried).isEqualTo(secondResult);
            assertThat(readAll(0)).isEqualTo(before);
            assertThat(store.headPosition()).isEqualTo(5);
            assertThat(store.streamVersion("cart-1")).isEqualTo(4);
        }

        @Test
        void retryWithAny_isANoOp() {
            // given
            List<EventData> events = batch(2);
            AppendResult original = store.append("cart-1", any(), events);
            store.append("cart-1", any(), batch(3));
            List<RecordedEvent> before = readAll(0);

            // when
            AppendResult retried = store.append("cart-1", any(), events);

            // then
            assertThat(retried).isEqualTo(original);
            assertThat(readAll(0)).isEqualTo(before);
        }

        @Test
        void retryOfASingleEvent_isANoOp_evenAfterManyLaterAppends() {
            // given
            EventData event = event();
            AppendResult original = store.append("cart-1", noStream(), List.of(event));
            for (int i = 0; i < 20; i++) {
                store.append(i % 2 == 0 ? "cart-1" : "cart-2", any(), batch(2));
            }
            long head = store.headPosition();

            // when
            AppendResult retried = store.append("cart-1", noStream(), List.of(event));

            // then
            assertThat(retried).isEqualTo(original);
            assertThat(store.headPosition()).isEqualTo(head);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("eventshop.eventstore.tck.EventStoreContract#contentChanges")
        void retryWithTheSameIdButOtherContent_failsWithDuplicateEventId(UnaryOperator<EventData> change) {
            // given
            List<EventData> original = List.of(event(), event("ItemRemoved"));
            store.append("cart-1", noStream(), original);
            List<RecordedEvent> before = readAll(0);
            EventData changed = change.apply(original.get(1));

            // when
            Throwable failure = catchThrowable(() -> store.append("cart-1", noStream(), List.of(original.get(0), changed)));

            // then
            assertThat(failure).isInstanceOfSatisfying(DuplicateEventId.class, e -> {
                assertThat(e.streamId()).isEqualTo("cart-1");
                assertThat(e.eventId()).isEqualTo(changed.eventId());
            });
            assertThat(readAll(0)).isEqualTo(before);
        }

        @Test
        void batchRepeatingTheStartOfAnEarlierBatch_failsWithDuplicateEventId() {
            List<EventData> original = batch(3);
            store.append("cart-1", noStream(), original);

            assertDuplicate(() -> store.append("cart-1", noStream(), original.subList(0, 2)), "cart-1");
            assertThat(store.headPosition()).isEqualTo(2);
        }

        @Test
        void batchRepeatingTheEndOfAnEarlierBatch_failsWithDuplicateEventId() {
            List<EventData> original = batch(3);
            store.append("cart-1", noStream(), original);

            assertDuplicate(() -> store.append("cart-1", exactly(0), original.subList(1, 3)), "cart-1");
            assertThat(store.headPosition()).isEqualTo(2);
        }

        @Test
        void batchContinuingAnEarlierBatchWithNewEvents_failsWithDuplicateEventId() {
            List<EventData> original = batch(2);
            store.append("cart-1", noStream(), original);
            List<EventData> longer = new ArrayList<>(original);
            longer.add(event());

            assertDuplicate(() -> store.append("cart-1", noStream(), longer), "cart-1");
            assertThat(store.headPosition()).isEqualTo(1);
        }

        @Test
        void batchOfANewEventFollowedByAStoredOne_failsWithDuplicateEventId() {
            List<EventData> original = batch(2);
            store.append("cart-1", noStream(), original);

            assertDuplicate(() -> store.append("cart-1", exactly(1), List.of(event(), original.get(1))), "cart-1");
            assertThat(store.headPosition()).isEqualTo(1);
        }

        @Test
        void batchSpanningTwoEarlierBatches_failsWithDuplicateEventId() {
            List<EventData> first = batch(2);
            List<EventData> second = batch(2);
            store.append("cart-1", noStream(), first);
            store.append("cart-1", exactly(1), second);

            assertDuplicate(() -> store.append("cart-1", exactly(0), List.of(first.get(1), second.get(0))), "cart-1");
            assertThat(store.headPosition()).isEqualTo(3);
        }

        @Test
        void sameBatch_appendedByManyThreadsAtOnce_isStoredOnce_andEveryoneGetsTheSameResult() {
            // given
            List<EventData> events = batch(3);
            List<AppendResult> results = new CopyOnWriteArrayList<>();

            // when
            Concurrently.run(8, PATIENCE, thread -> results.add(store.append("cart-1", noStream(), events)));

            // then
            assertThat(results).hasSize(8).containsOnly(new AppendResult(2, 2));
            assertThat(read("cart-1")).extracting(RecordedEvent::eventId)
                    .containsExactlyElementsOf(events.stream().map(EventData::eventId).toList());
        }

        @Test
        void retry_whileOtherWritersAppendToTheSameStream_isStillANoOp() {
            // given
            List<EventData> events = batch(4);
            List<AppendResult> retries = new CopyOnWriteArrayList<>();
            AppendResult[] original = new AppendResult[1];

            // when one thread appends and keeps retrying its batch while three others append to the same stream
            Concurrently.run(4, PATIENCE, thread -> {
                if (thread == 0) {
                    original[0] = store.append("cart-1", any(), events);
                    for (int i = 0; i < 50; i++) {
                        retries.add(store.append("cart-1", any(), events));
                    }
                } else {
                    for (int i = 0; i < 40; i++) {
                        store.append("cart-1", any(), batch(1 + i % 3));
                    }
                }
            });

            // then
            assertThat(retries).hasSize(50).containsOnly(original[0]);
            List<RecordedEvent> stream = read("cart-1");
            List<Object> ids = stream.stream().map(e -> (Object) e.eventId()).toList();
            for (EventData event : events) {
                assertThat(ids).as("stored exactly once").containsOnlyOnce(event.eventId());
            }
            int first = ids.indexOf(events.getFirst().eventId());
            assertThat(stream.subList(first, first + 4)).extracting(RecordedEvent::eventId)
                    .containsExactlyElementsOf(events.stream().map(EventData::eventId).toList());
            assertThat(stream.get(first + 3).position()).isEqualTo(original[0].position());
            assertThat(stream).extracting(RecordedEvent::version).containsExactlyElementsOf(range(0, stream.size()));
        }
    }

    @Nested
    class GlobalPositions {

        @Test
        void positions_startAtZero_andGrowByOneAcrossStreams() {
            for (int i = 0; i < 30; i++) {
                store.append("stream-" + i % 7, any(), batch(1 + i % 4));
            }

            List<RecordedEvent> all = readAll(0);
            assertThat(all).extracting(RecordedEvent::position).containsExactlyElementsOf(range(0, all.size()));
            for (int s = 0; s < 7; s++) {
                List<RecordedEvent> stream = read("stream-" + s);
                assertThat(stream).extracting(RecordedEvent::position).isSorted().doesNotHaveDuplicates();
                assertThat(stream).allSatisfy(e -> assertThat(all.get((int) e.position())).isEqualTo(e));
            }
        }

        @Test
        void headPosition_isMinusOneUntilTheFirstAppend_thenTheLastPosition() {
            assertThat(store.headPosition()).isEqualTo(-1);

            store.append("cart-1", any(), batch(3));
            assertThat(store.headPosition()).isEqualTo(2);

            store.append("cart-2", any(), batch(1));
            assertThat(store.headPosition()).isEqualTo(3);
        }

        @Test
        void streamVersion_isMinusOneForAStreamWithoutEvents_andTheLastVersionOtherwise() {
            store.append("cart-1", any(), batch(4));

            assertThat(store.streamVersion("cart-1")).isEqualTo(3);
            assertThat(store.streamVersion("cart-2")).isEqualTo(-1);
            assertThat(store.streamVersion("Cart-1")).isEqualTo(-1);
        }
    }

    @Nested
    class Reading {

        @Test
        void read_returnsOnlyTheStreamsEvents_inVersionOrder() {
            // given
            List<EventData> cart = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                List<EventData> events = batch(1 + i % 3);
                store.append("cart-1", any(), events);
                cart.addAll(events);
                store.append("cart-2", any(), batch(1));
            }

            // when
            List<RecordedEvent> events = read("cart-1");

            // then
            assertThat(events).extracting(RecordedEvent::eventId)
                    .containsExactlyElementsOf(cart.stream().map(EventData::eventId).toList());
            assertThat(events).extracting(RecordedEvent::version).containsExactlyElementsOf(range(0, cart.size()));
            assertThat(events).extracting(RecordedEvent::position).isSorted();
        }

        @Test
        void read_fromAVersionInTheMiddle_startsThere() {
            store.append("cart-1", noStream(), batch(10));

            assertThat(read("cart-1", 4)).extracting(RecordedEvent::version).containsExactlyElementsOf(range(4, 10));
            assertThat(read("cart-1", 9)).extracting(RecordedEvent::version).containsExactly(9L);
        }

        @Test
        void read_fromBeyondTheLastVersion_isEmpty() {
            store.append("cart-1", noStream(), batch(3));

            assertThat(read("cart-1", 3)).isEmpty();
            assertThat(read("cart-1", 1_000_000)).isEmpty();
            assertThat(read("cart-1", Long.MAX_VALUE)).isEmpty();
        }

        @Test
        void read_ofAStreamWithoutEvents_isEmpty() {
            store.append("cart-1", noStream(), batch(3));

            assertThat(read("cart-2")).isEmpty();
            assertThat(read("cart-2", 5)).isEmpty();
        }

        @Test
        void read_isFinite_andServesWhatIsRequested() {
            store.append("cart-1", noStream(), batch(5));

            StepVerifier.create(store.read("cart-1", 0), 0)
                    .expectSubscription()
                    .thenRequest(2)
                    .assertNext(e -> assertThat(e.version()).isZero())
                    .assertNext(e -> assertThat(e.version()).isEqualTo(1))
                    .thenRequest(10)
                    .expectNextCount(3)
                    .expectComplete()
                    .verify(PATIENCE);
        }

        @Test
        void read_ofALongStream_returnsEveryEvent() {
            for (int i = 0; i < 10; i++) {
                store.append("long", any(), batch(500));
            }

            assertThat(read("long")).extracting(RecordedEvent::version).containsExactlyElementsOf(range(0, 5_000));
            assertThat(read("long", 4_990)).extracting(RecordedEvent::version)
                    .containsExactlyElementsOf(range(4_990, 5_000));
        }

        @Test
        void readAll_returnsEveryEventInPositionOrder() {
            // given
            List<EventData> appended = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                List<EventData> events = batch(1 + i % 3);
                store.append("stream-" + i % 3, any(), events);
                appended.addAll(events);
            }

            // when
            List<RecordedEvent> all = readAll(0);

            // then
            assertThat(all).extracting(RecordedEvent::eventId)
                    .containsExactlyElementsOf(appended.stream().map(EventData::eventId).toList());
            assertThat(all).extracting(RecordedEvent::position).containsExactlyElementsOf(range(0, appended.size()));
        }

        @Test
        void readAll_honoursItsLimit() {
            store.append("cart-1", noStream(), batch(10));

            assertThat(readAll(0, 1)).extracting(RecordedEvent::position).containsExactly(0L);
            assertThat(readAll(0, 4)).extracting(RecordedEvent::position).containsExactly(0L, 1L, 2L, 3L);
            assertThat(readAll(8, 4)).extracting(RecordedEvent::position).containsExactly(8L, 9L);
            assertThat(readAll(0, Limits.MAX_READ_LIMIT)).hasSize(10);
        }

        @Test
        void readAll_fromAPositionInTheMiddle_startsThere() {
            store.append("cart-1", noStream(), batch(5));
            store.append("cart-2", noStream(), batch(5));

            assertThat(readAll(3)).extracting(RecordedEvent::position).containsExactlyElementsOf(range(3, 10));
            assertThat(readAll(3)).extracting(RecordedEvent::streamId).startsWith("cart-1", "cart-1").endsWith("cart-2");
        }

        @Test
        void readAll_fromBeyondTheHead_isEmpty() {
            store.append("cart-1", noStream(), batch(5));

            assertThat(readAll(5)).isEmpty();
            assertThat(readAll(1_000)).isEmpty();
            assertThat(readAll(Long.MAX_VALUE)).isEmpty();
        }

        @Test
        void readAll_ofAnEmptyStore_isEmpty() {
            assertThat(readAll(0)).isEmpty();
        }

        @Test
        void readAll_pagedWithASmallLimit_visitsEveryEventExactlyOnce() {
            // given
            for (int i = 0; i < 20; i++) {
                store.append("stream-" + i % 4, any(), batch(50));
            }

            // when
            List<RecordedEvent> visited = new ArrayList<>();
            long next = 0;
            while (true) {
                List<RecordedEvent> page = readAll(next, 7);
                if (page.isEmpty()) {
                    break;
                }
                assertThat(page.size()).isLessThanOrEqualTo(7);
                visited.addAll(page);
                next = page.getLast().position() + 1;
            }

            // then
            assertThat(visited).isEqualTo(readAll(0));
            assertThat(visited).extracting(RecordedEvent::position).containsExactlyElementsOf(range(0, 1_000));
        }
    }

    @Nested
    class Subscriptions {

        @Test
        void subscriptionFromZero_catchesUpThenGoesLive_withoutLosingOrRepeatingAnEvent() throws Exception {
            // given four writers appending 5,000 events
            int writers = 4;
            int eachWriter = 1_250;
            CompletableFuture<Void> writing = inBackground(() -> Concurrently.run(writers, PATIENCE,
                    writer -> appendAsWriter("writer-" + writer, eachWriter)));
            eventually().until(() -> store.headPosition() >= 1_000 || writing.isDone());

            // when a subscriber starts from 0 while they are at it
            RecordingSubscriber subscriber = RecordingSubscriber.unbounded();
            store.subscribe(0).subscribe(subscriber);
            writing.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            EventData sentinel = event("Sentinel");
            store.append("sentinel", noStream(), List.of(sentinel));

            // then it receives positions 0..5000 exactly once, in order, ending with the sentinel
            int total = writers * eachWriter + 1;
            awaitCount(subscriber, total);
            subscriber.dispose();
            assertThat(subscriber.positions()).containsExactlyElementsOf(range(0, total));
            assertThat(subscriber.events().getLast().eventId()).isEqualTo(sentinel.eventId());
            assertThat(subscriber.events()).isEqualTo(readAll(0));
        }

        @Test
        void subscriptionFromThePast_getsTheSameEventsAsReadAll() {
            // given
            store.append("cart-1", noStream(), List.of(new EventData(Events.newId(), "Rich", everyByteValue(),
                    Events.richMetadata())));
            store.append("cart-2", noStream(), batch(3));

            // when
            List<RecordedEvent> received = store.subscribe(0).take(4).collectList().block(PATIENCE);

            // then
            assertThat(received).isEqualTo(readAll(0));
        }

        @Test
        void subscriptionFromAPositionInTheMiddle_startsThere_andContinuesLive() {
            // given
            appendInBatches("cart-1", 100, 25);
            RecordingSubscriber subscriber = RecordingSubscriber.unbounded();

            // when
            store.subscribe(40).subscribe(subscriber);
            awaitCount(subscriber, 60);
            store.append("cart-2", noStream(), batch(10));

            // then
            awaitCount(subscriber, 70);
            subscriber.dispose();
            assertThat(subscriber.positions()).containsExactlyElementsOf(range(40, 110));
        }

        @Test
        void subscriptionFromJustAfterTheHead_receivesOnlyNewEvents() {
            // given
            store.append("cart-1", noStream(), batch(50));
            RecordingSubscriber subscriber = RecordingSubscriber.unbounded();

            // when
            store.subscribe(store.headPosition() + 1).subscribe(subscriber);
            for (int i = 0; i < 5; i++) {
                store.append("cart-2", any(), batch(4));
            }

            // then
            awaitCount(subscriber, 20);
            subscriber.dispose();
            assertThat(subscriber.positions()).containsExactlyElementsOf(range(50, 70));
            assertThat(subscriber.events()).extracting(RecordedEvent::streamId).containsOnly("cart-2");
        }

        @Test
        void subscriptionFromFarBeyondTheHead_waitsUntilThatPositionExists() {
            // given
            store.append("cart-1", noStream(), batch(50));
            RecordingSubscriber subscriber = RecordingSubscriber.unbounded();

            // when
            store.subscribe(60).subscribe(subscriber);
            store.append("cart-1", exactly(49), batch(20));

            // then
            awaitCount(subscriber, 10);
            EventData sentinel = event("Sentinel");
            store.append("cart-1", exactly(69), List.of(sentinel));
            awaitCount(subscriber, 11);
            subscriber.dispose();
            assertThat(subscriber.positions()).containsExactlyElementsOf(range(60, 71));
            assertThat(subscriber.events().getLast().eventId()).isEqualTo(sentinel.eventId());
        }

        @Test
        void subscriptionToAnEmptyStore_receivesTheFirstEvents() {
            RecordingSubscriber subscriber = RecordingSubscriber.unbounded();
            store.subscribe(0).subscribe(subscriber);

            store.append("cart-1", noStream(), batch(3));

            awaitCount(subscriber, 3);
            subscriber.dispose();
            assertThat(subscriber.positions()).containsExactly(0L, 1L, 2L);
        }

        @Test
        void twoSubscribers_eachReceiveEveryEventOnce() {
            // given
            RecordingSubscriber early = RecordingSubscriber.unbounded();
            store.subscribe(0).subscribe(early);
            appendInBatches("cart-1", 500, 50);

            // when
            RecordingSubscriber late = RecordingSubscriber.unbounded();
            store.subscribe(0).subscribe(late);
            appendInBatches("cart-2", 500, 50);

            // then
            awaitCount(early, 1_000);
            awaitCount(late, 1_000);
            early.dispose();
            late.dispose();
            assertThat(early.positions()).containsExactlyElementsOf(range(0, 1_000));
            assertThat(late.positions()).containsExactlyElementsOf(range(0, 1_000));
            assertThat(late.events()).isEqualTo(early.events());
        }

        @Test
        void cancelledSubscription_receivesNothingAppendedAfterwards() {
            // given
            RecordingSubscriber cancelled = RecordingSubscriber.unbounded();
            RecordingSubscriber witness = RecordingSubscriber.unbounded();
            store.subscribe(0).subscribe(cancelled);
            store.subscribe(0).subscribe(witness);
            store.append("cart-1", noStream(), batch(10));
            awaitCount(cancelled, 10);

            // when
            cancelled.dispose();
            appendInBatches("cart-2", 100, 10);

            // then the witness saw the new events, the cancelled subscriber none of them
            awaitCount(witness, 110);
            witness.dispose();
            assertThat(cancelled.positions()).containsExactlyElementsOf(range(0, 10));
        }
    }

    @Nested
    class Backpressure {

        @Test
        void subscriberRequestingOneAtATime_receivesExactlyWhatItRequested() {
            // given
            appendInBatches("cart-1", 20_000, 1_000);

            // when
            RecordingSubscriber subscriber = RecordingSubscriber.oneAtATime(20_000);
            store.subscribe(0).subscribe(subscriber);

            // then
            awaitCount(subscriber, 20_000);
            assertThat(subscriber.overDelivered()).as("events delivered beyond demand").isZero();
            assertThat(subscriber.positions()).containsExactlyElementsOf(range(0, 20_000));

            // and with its demand used up, new events wait for new demand
            store.append("cart-2", noStream(), batch(5));
            assertThat(subscriber.count()).isEqualTo(20_000);
            subscriber.requestMore(5);
            awaitCount(subscriber, 20_005);
            subscriber.dispose();
            assertThat(subscriber.overDelivered()).isZero();
            assertThat(subscriber.positions()).containsExactlyElementsOf(range(0, 20_005));
        }

        @Test
        void subscriberDrivenStepByStep_getsOnlyWhatItAsksFor() {
            // given
            appendInBatches("cart-1", 300, 100);

            // when / then (StepVerifier fails on any event beyond the requested amount)
            StepVerifier.Step<RecordedEvent> steps = StepVerifier.create(store.subscribe(0), 0).expectSubscription();
            for (long position = 0; position < 200; position++) {
                long expected = position;
                steps = steps.thenRequest(1).assertNext(e -> assertThat(e.position()).isEqualTo(expected));
            }
            steps.thenRequest(100).expectNextCount(100)
                    .thenCancel()
                    .verify(PATIENCE);
        }

        @Test
        void stalledSubscriber_holdsUpNoWriter_isNotBufferedFor_andResumesWhereItStopped() {
            // given a subscriber that asked for 10 events and then stops asking
            RecordingSubscriber stalled = RecordingSubscriber.requesting(10);
            store.subscribe(0).subscribe(stalled);

            // when writers append 20,000 events of 512 bytes (they would hang here if held up by it)
            Concurrently.run(4, PATIENCE, writer -> {
                for (int i = 0; i < 10; i++) {
                    store.append("writer-" + writer, any(), batchOfSize(500, 512));
                }
            });

            // then it has what it asked for and nothing is piling up for it
            awaitCount(stalled, 10);
            assertThat(stalled.count()).isEqualTo(10);
            assertThat(stalled.overDelivered()).isZero();
            assertThat(stalled.bufferedByPublisher())
                    .as("events the publisher buffers for a subscriber that asked for none")
                    .isLessThanOrEqualTo(MAX_BUFFERED_AHEAD);

            // and when it asks again it continues exactly where it stopped
            stalled.requestMore(19_990);
            awaitCount(stalled, 20_000);
            stalled.dispose();
            assertThat(stalled.overDelivered()).isZero();
            assertThat(stalled.positions()).containsExactlyElementsOf(range(0, 20_000));
        }
    }

    @Nested
    class RoundTrips {

        @Test
        void everyField_roundTripsExactly_throughReadReadAllAndSubscribe() {
            // given
            EventData rich = new EventData(Events.newId(), "Ünïcödé Type \u6ce8\u6587 \ud83d\uded2", everyByteValue(),
                    Events.richMetadata());
            store.append("cart-\ud83d\uded2-1", noStream(), List.of(event(), rich));
            RecordedEvent expected = new RecordedEvent(rich.eventId(), "cart-\ud83d\uded2-1", 1, 1, rich.type(),
                    everyByteValue(), Events.richMetadata());

            // when
            RecordedEvent fromRead = read("cart-\ud83d\uded2-1", 1).getFirst();
            RecordedEvent fromReadAll = readAll(1, 1).getFirst();
            RecordedEvent fromSubscribe = store.subscribe(1).next().block(PATIENCE);

            // then
            assertSameEvent(fromRead, expected);
            assertSameEvent(fromReadAll, expected);
            assertSameEvent(fromSubscribe, expected);
        }

        @Test
        void emptyData_roundTrips() {
            EventData empty = event("Emptied", new byte[0]);

            store.append("cart-1", noStream(), List.of(empty, event()));

            assertThat(read("cart-1").getFirst().data()).isEmpty();
            assertThat(readAll(0, 1).getFirst().data()).isEmpty();
            assertThat(read("cart-1").get(1).data()).isNotEmpty();
        }

        @Test
        void oneMebibyteEvents_roundTripIdentically() {
            // given
            byte[] first = bytes(1024 * 1024, 1);
            byte[] second = bytes(1024 * 1024, 2);

            // when
            store.append("blobs", noStream(), List.of(event(first), event(second)));
            store.append("blobs", exactly(1), List.of(event(bytes(1024 * 1024 + 1, 3))));

            // then
            List<RecordedEvent> events = read("blobs");
            assertThat(events.get(0).data()).isEqualTo(first);
            assertThat(events.get(1).data()).isEqualTo(second);
            assertThat(events.get(2).data()).isEqualTo(bytes(1024 * 1024 + 1, 3));
            assertThat(readAll(1, 1).getFirst().data()).isEqualTo(second);
        }

        @Test
        void eventOfTheMaximumSize_isAccepted_andRoundTrips() {
            byte[] largest = bytes(Limits.MAX_EVENT_SIZE, 4);

            store.append("blobs", noStream(), List.of(event(largest)));

            assertThat(read("blobs").getFirst().data()).isEqualTo(largest);
        }

        @Test
        void timestamps_roundTripToTheNanosecond() {
            // given
            List<Instant> instants = List.of(Instant.EPOCH, Events.HAPPENED_AT, Instant.ofEpochSecond(0, 1),
                    Instant.parse("1969-12-31T23:59:59.999999999Z"), Instant.parse("1900-01-01T00:00:00.000000001Z"),
                    Instant.parse("2038-01-19T03:14:08.000000001Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"));
            List<EventData> events = instants.stream()
                    .map(at -> new EventData(Events.newId(), "Stamped", json("{}"), Metadata.at(at))).toList();

            // when
            store.append("stamps", noStream(), events);

            // then
            assertThat(read("stamps")).extracting(e -> e.metadata().timestamp()).containsExactlyElementsOf(instants);
        }

        @Test
        void metadata_roundTripsExactly_inEveryField() {
            // given
            Map<String, String> manyHeaders = new java.util.HashMap<>();
            for (int i = 0; i < 100; i++) {
                manyHeaders.put("header-" + i + "-\u00fc", "value-" + i + "-\ud83d\ude00");
            }
            List<Metadata> variants = List.of(
                    Metadata.EMPTY,
                    Events.richMetadata(),
                    Events.richMetadata().withSchemaVersion(Integer.MAX_VALUE),
                    Metadata.at(Events.HAPPENED_AT).withCorrelation("c".repeat(1_000), "").withActingUser("\u0000\u0001"),
                    Metadata.at(Events.HAPPENED_AT).withHeaders(manyHeaders),
                    Metadata.at(Events.HAPPENED_AT).withHeaders(Map.of("", "")));
            List<EventData> events = variants.stream()
                    .map(metadata -> new EventData(Events.newId(), "Described", json("{}"), metadata)).toList();

            // when
            store.append("described", noStream(), events);

            // then
            assertThat(read("described")).extracting(RecordedEvent::metadata).containsExactlyElementsOf(variants);
            assertThat(readAll(0)).extracting(RecordedEvent::metadata).containsExactlyElementsOf(variants);
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @ValueSource(strings = {
                "cart-\ud83d\uded2",
                "\u6ce8\u6587-\u756a\u53f7-42",
                "e\u0301\u0327-combining",
                "\u05e2\u05d1\u05e8\u05d9\u05ea-\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
                "a/b\\c",
                "../../escape",
                ".",
                "CON",
                "with space and\ttab",
                "x",
        })
        void unusualStreamIds_roundTrip(String streamId) {
            assertStreamIdRoundTrips(streamId);
        }

        @Test
        void streamIdsOf200Characters_roundTrip_includingSupplementaryCharacters() {
            assertStreamIdRoundTrips("x".repeat(Limits.MAX_STREAM_ID_LENGTH));
            assertStreamIdRoundTrips("\ud83d\uded2".repeat(100));
            assertStreamIdRoundTrips("z".repeat(198) + "\ud842\udfb7");
            assertThat("\ud83d\uded2".repeat(100)).hasSize(Limits.MAX_STREAM_ID_LENGTH);
        }

        @Test
        void streamIds_areComparedExactly_withoutNormalisationOrCaseFolding() {
            List<String> distinct = List.of("caf\u00e9", "cafe\u0301", "Cart-1", "cart-1", "cart-1 ", "CART-1");

            for (String streamId : distinct) {
                assertThat(store.append(streamId, noStream(), batch(1)).streamVersion()).isZero();
            }

            for (String streamId : distinct) {
                assertThat(read(streamId)).singleElement().extracting(RecordedEvent::streamId).isEqualTo(streamId);
            }
        }

        @Test
        void eventTypes_roundTrip() {
            List<String> types = List.of("a", "t".repeat(Limits.MAX_TYPE_LENGTH), "Ünïcödé \u6ce8\u6587 \ud83d\uded2",
                    "with.dots$and/slashes", "com.example.CartItemAdded@v2");

            store.append("typed", noStream(), types.stream().map(type -> event(type)).toList());

            assertThat(read("typed")).extracting(RecordedEvent::type).containsExactlyElementsOf(types);
        }

        private void assertStreamIdRoundTrips(String streamId) {
            // given
            long head = store.headPosition();
            EventData event = event();

            // when
            AppendResult result = store.append(streamId, noStream(), List.of(event));

            // then
            assertThat(result).isEqualTo(new AppendResult(0, head + 1));
            assertThat(store.streamVersion(streamId)).isZero();
            assertThat(read(streamId)).singleElement().satisfies(e -> {
                assertThat(e.streamId()).isEqualTo(streamId);
                assertThat(e.eventId()).isEqualTo(event.eventId());
            });
            assertThat(readAll(head + 1)).singleElement().extracting(RecordedEvent::streamId).isEqualTo(streamId);
            assertThat(store.append(streamId, exactly(0), batch(1)).streamVersion()).isEqualTo(1);
        }
    }

    @Nested
    class InvalidRequests {

        @ParameterizedTest(name = "{0}")
        @MethodSource("eventshop.eventstore.tck.EventStoreContract#invalidRequests")
        void invalidRequest_failsWithInvalidRequest_andStoresNothing(Function<EventStore, Object> request) {
            // given
            store.append("cart-1", noStream(), batch(3));
            List<RecordedEvent> before = readAll(0);

            // when
            Throwable failure = catchThrowable(() -> completely(request.apply(store)));

            // then
            assertThat(failure).isInstanceOf(InvalidRequest.class);
            assertThat(store.headPosition()).isEqualTo(2);
            assertThat(store.streamVersion("cart-1")).isEqualTo(2);
            assertThat(readAll(0)).isEqualTo(before);
            assertThat(store.loadSnapshot("cart-1")).isEmpty();
        }

        @Test
        void appendAsync_rejectsInvalidArguments_beforeReturningAFuture() {
            assertThatThrownBy(() -> store.appendAsync("cart-1", any(), List.of())).isInstanceOf(InvalidRequest.class);
            assertThatThrownBy(() -> store.appendAsync("", any(), batch(1))).isInstanceOf(InvalidRequest.class);
            assertThatThrownBy(() -> store.appendAsync("cart-1", any(), Arrays.asList(event(), null)))
                    .isInstanceOf(InvalidRequest.class);
            assertThat(store.headPosition()).isEqualTo(-1);
        }

        @Test
        void store_staysUsable_afterEveryKindOfInvalidRequest() {
            invalidRequests().forEach(arguments -> {
                @SuppressWarnings("unchecked")
                Function<EventStore, Object> request =
                        ((Named<Function<EventStore, Object>>) arguments.get()[0]).getPayload();
                catchThrowable(() -> completely(request.apply(store)));
            });

            assertThat(store.headPosition()).isEqualTo(-1);
            assertThat(store.append("cart-1", noStream(), batch(2))).isEqualTo(new AppendResult(1, 1));
        }
    }

    @Nested
    class Snapshots {

        @Test
        void loadSnapshot_isEmpty_whenNoneWasSaved() {
            store.append("cart-1", noStream(), batch(2));

            assertThat(store.loadSnapshot("cart-1")).isEmpty();
            assertThat(store.loadSnapshot("cart-2")).isEmpty();
        }

        @Test
        void savedSnapshot_isLoadedBack() {
            store.append("cart-1", noStream(), batch(3));
            Snapshot snapshot = new Snapshot("cart-1", 2, "CartState@v1", everyByteValue());

            store.saveSnapshot(snapshot);

            assertThat(store.loadSnapshot("cart-1")).hasValueSatisfying(loaded -> {
                assertThat(loaded.streamId()).isEqualTo("cart-1");
                assertThat(loaded.version()).isEqualTo(2);
                assertThat(loaded.type()).isEqualTo("CartState@v1");
                assertThat(loaded.data()).isEqualTo(everyByteValue());
            });
        }

        @Test
        void newerSnapshot_replacesTheOlderOne() {
            store.append("cart-1", noStream(), batch(5));
            store.saveSnapshot(new Snapshot("cart-1", 1, "CartState", json("{\"v\":1}")));

            store.saveSnapshot(new Snapshot("cart-1", 4, "CartState", json("{\"v\":4}")));

            assertThat(store.loadSnapshot("cart-1")).contains(new Snapshot("cart-1", 4, "CartState", json("{\"v\":4}")));
        }

        @Test
        void olderSnapshot_doesNotReplaceANewerOne() {
            store.append("cart-1", noStream(), batch(5));
            store.saveSnapshot(new Snapshot("cart-1", 4, "CartState", json("{\"v\":4}")));

            store.saveSnapshot(new Snapshot("cart-1", 1, "CartState", json("{\"v\":1}")));

            assertThat(store.loadSnapshot("cart-1")).contains(new Snapshot("cart-1", 4, "CartState", json("{\"v\":4}")));
        }

        @Test
        void snapshots_arePerStream() {
            store.append("cart-1", noStream(), batch(2));
            store.append("cart-2", noStream(), batch(2));

            store.saveSnapshot(new Snapshot("cart-1", 1, "CartState", json("{\"cart\":1}")));

            assertThat(store.loadSnapshot("cart-1")).map(Snapshot::data).hasValue(json("{\"cart\":1}"));
            assertThat(store.loadSnapshot("cart-2")).isEmpty();
        }

        @Test
        void snapshotAheadOfItsStream_isRejected_andKeepsThePreviousSnapshot() {
            // given
            store.append("cart-1", noStream(), batch(3));
            Snapshot previous = new Snapshot("cart-1", 2, "CartState", json("{}"));
            store.saveSnapshot(previous);

            // when
            Throwable failure = catchThrowable(() -> store.saveSnapshot(new Snapshot("cart-1", 3, "CartState", json("{}"))));

            // then
            assertThat(failure).isInstanceOf(InvalidRequest.class);
            assertThat(store.loadSnapshot("cart-1")).contains(previous);
        }

        @Test
        void snapshot_neverChangesWhatReadReturns() {
            // given
            store.append("cart-1", noStream(), batch(6));
            store.append("cart-2", noStream(), batch(2));
            List<RecordedEvent> stream = read("cart-1");
            List<RecordedEvent> all = readAll(0);

            // when
            store.saveSnapshot(new Snapshot("cart-1", 3, "CartState", json("{\"folded\":4}")));
            store.saveSnapshot(new Snapshot("cart-1", 5, "CartState", json("{\"folded\":6}")));

            // then
            assertThat(read("cart-1")).isEqualTo(stream);
            assertThat(read("cart-1", 4)).isEqualTo(stream.subList(4, 6));
            assertThat(readAll(0)).isEqualTo(all);
            assertThat(store.streamVersion("cart-1")).isEqualTo(5);
            assertThat(store.headPosition()).isEqualTo(7);
            assertThat(store.append("cart-1", exactly(5), batch(1))).isEqualTo(new AppendResult(6, 8));
        }
    }

    @Nested
    class AsyncAppends {

        @Test
        void asyncAppendsStartedByOneThread_landInTheOrderTheyWereStarted() {
            // given
            List<EventData> started = new ArrayList<>();
            List<CompletableFuture<AppendResult>> futures = new ArrayList<>();

            // when
            for (int i = 0; i < 300; i++) {
                EventData event = event();
                started.add(event);
                futures.add(store.appendAsync("stream-" + i % 3, any(), List.of(event)));
            }

            // then
            List<Long> positions = futures.stream().map(future -> future.join().position()).toList();
            assertThat(positions).containsExactlyElementsOf(range(0, 300));
            assertThat(readAll(0)).extracting(RecordedEvent::eventId)
                    .containsExactlyElementsOf(started.stream().map(EventData::eventId).toList());
        }

        @Test
        void asyncAppendsPipelinedWithExactVersions_allSucceed() {
            List<CompletableFuture<AppendResult>> futures = new ArrayList<>();

            for (int version = 0; version < 200; version++) {
                futures.add(store.appendAsync("cart-1", version == 0 ? noStream() : exactly(version - 1), batch(1)));
            }

            assertThat(futures.stream().map(future -> future.join().streamVersion()).toList())
                    .containsExactlyElementsOf(range(0, 200));
        }

        @Test
        void asyncAppend_reportsAWrongExpectedVersionThroughItsFuture() {
            store.append("cart-1", noStream(), batch(1));

            CompletableFuture<AppendResult> future = store.appendAsync("cart-1", exactly(5), batch(1));

            Throwable failure = catchThrowable(() -> future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertThat(failure).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOfSatisfying(WrongExpectedVersion.class, e -> assertThat(e.actualVersion()).isZero());
            assertThat(store.headPosition()).isZero();
        }
    }

    @Nested
    class ClosedStore {

        @Test
        void append_afterClose_failsWithStoreClosed() {
            store.append("cart-1", noStream(), batch(1));

            store.close();

            assertThatThrownBy(() -> store.append("cart-1", any(), batch(1))).isInstanceOf(StoreClosedException.class);
        }

        @Test
        void appendAsync_afterClose_failsWithStoreClosed() {
            store.close();

            Throwable failure = catchThrowable(() -> store.appendAsync("cart-1", any(), batch(1))
                    .get(PATIENCE.toSeconds(), TimeUnit.SECONDS));

            assertThat(unwrap(failure)).isInstanceOf(StoreClosedException.class);
        }

        @Test
        void close_isIdempotent() {
            store.close();

            store.close();
        }

        @Test
        void caughtUpSubscription_ends_whenTheStoreCloses() {
            // given
            store.append("cart-1", noStream(), batch(10));
            RecordingSubscriber subscriber = RecordingSubscriber.unbounded();
            store.subscribe(0).subscribe(subscriber);
            awaitCount(subscriber, 10);

            // when
            store.close();

            // then
            eventually().until(subscriber::terminated);
            assertThat(subscriber.positions()).containsExactlyElementsOf(range(0, 10));
        }

        @Test
        void laggingSubscription_ends_onceItAsksForMoreAfterTheStoreClosed() {
            // given
            store.append("cart-1", noStream(), batch(10));
            RecordingSubscriber subscriber = RecordingSubscriber.requesting(3);
            store.subscribe(0).subscribe(subscriber);
            awaitCount(subscriber, 3);

            // when
            store.close();
            subscriber.requestMore(Long.MAX_VALUE);

            // then
            eventually().until(subscriber::terminated);
            assertThat(subscriber.positions()).containsExactlyElementsOf(range(0, subscriber.count()));
        }

        @Test
        void appendsInFlight_whenTheStoreCloses_completeOrFailWithStoreClosed() {
            // given
            List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(store.appendAsync("cart-1", any(), batch(1)));
            }

            // when
            store.close();

            // then
            List<AppendResult> acknowledged = new ArrayList<>();
            for (CompletableFuture<AppendResult> future : futures) {
                try {
                    acknowledged.add(future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
                } catch (Exception e) {
                    assertThat(unwrap(e)).isInstanceOf(StoreClosedException.class);
                }
            }
            assertThat(acknowledged).extracting(AppendResult::position)
                    .containsExactlyElementsOf(range(0, acknowledged.size()));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // what the tests share

    /**
     * The most events a publisher may hold buffered for a subscriber that requested none: a few read
     * batches. An engine that queues everything appended for a stalled subscriber exceeds it.
     */
    static final int MAX_BUFFERED_AHEAD = 4_096;

    /** Changes to an event that keep its id but make it another event. */
    static Stream<Arguments> contentChanges() {
        return Stream.of(
                Arguments.of(Named.<UnaryOperator<EventData>>of("other data",
                        e -> Events.withData(e, json("{\"other\":true}")))),
                Arguments.of(Named.<UnaryOperator<EventData>>of("data one byte longer",
                        e -> Events.withData(e, Arrays.copyOf(e.data(), e.data().length + 1)))),
                Arguments.of(Named.<UnaryOperator<EventData>>of("other type",
                        e -> Events.withType(e, e.type() + "V2"))),
                Arguments.of(Named.<UnaryOperator<EventData>>of("timestamp one nanosecond later",
                        e -> Events.withMetadata(e, Metadata.at(e.metadata().timestamp().plusNanos(1))))),
                Arguments.of(Named.<UnaryOperator<EventData>>of("other correlation id",
                        e -> Events.withMetadata(e, e.metadata().withCorrelation("other", "")))),
                Arguments.of(Named.<UnaryOperator<EventData>>of("other acting user",
                        e -> Events.withMetadata(e, e.metadata().withActingUser("mallory")))),
                Arguments.of(Named.<UnaryOperator<EventData>>of("other schema version",
                        e -> Events.withMetadata(e, e.metadata().withSchemaVersion(2)))),
                Arguments.of(Named.<UnaryOperator<EventData>>of("an extra header",
                        e -> Events.withMetadata(e, e.metadata().withHeaders(Map.of("extra", "1"))))));
    }

    /** Requests every engine must refuse with {@link InvalidRequest}, storing nothing. */
    static Stream<Arguments> invalidRequests() {
        byte[] thirteenMebibytes = new byte[13 * 1024 * 1024];
        return Stream.of(
                invalid("append of an empty batch", s -> s.append("cart-1", any(), List.of())),
                invalid("append of a null batch", s -> s.append("cart-1", any(), null)),
                invalid("append of a batch holding null", s -> s.append("cart-1", any(), Arrays.asList(event(), null))),
                invalid("append with a null expected version", s -> s.append("cart-1", null, batch(1))),
                invalid("append to a null stream id", s -> s.append(null, any(), batch(1))),
                invalid("append to an empty stream id", s -> s.append("", any(), batch(1))),
                invalid("append to a stream id of 201 characters", s -> s.append("s".repeat(201), any(), batch(1))),
                invalid("append to a stream id of 201 UTF-16 units ending in an emoji",
                        s -> s.append("s".repeat(199) + "\ud83d\uded2", any(), batch(1))),
                invalid("append to a stream id with a lone high surrogate",
                        s -> s.append("cart-\ud83d", any(), batch(1))),
                invalid("append to a stream id with a lone low surrogate",
                        s -> s.append("\ude00-cart", any(), batch(1))),
                invalid("append with ExpectedVersion.exactly(-1)", s -> s.append("cart-1", exactly(-1), batch(1))),
                invalid("append of an event over Limits.MAX_EVENT_SIZE",
                        s -> s.append("cart-1", any(), List.of(event(new byte[Limits.MAX_EVENT_SIZE + 1])))),
                invalid("append of a batch over Limits.MAX_BATCH_BYTES", s -> s.append("cart-1", any(),
                        List.of(event(thirteenMebibytes), event(thirteenMebibytes), event(thirteenMebibytes),
                                event(thirteenMebibytes), event(thirteenMebibytes)))),
                invalid("append of more than Limits.MAX_BATCH_EVENTS events",
                        s -> s.append("cart-1", any(), batch(Limits.MAX_BATCH_EVENTS + 1))),
                invalid("append of a batch holding one event id twice", s -> {
                    EventData twice = event();
                    return s.append("cart-1", any(), List.of(twice, event(), twice));
                }),
                invalid("append of a batch of 20 holding one event id twice", s -> {
                    List<EventData> events = new ArrayList<>(batch(19));
                    events.add(events.get(3));
                    return s.append("cart-1", any(), events);
                }),
                invalid("read from a negative version", s -> s.read("cart-1", -1)),
                invalid("read of a null stream id", s -> s.read(null, 0)),
                invalid("read of an empty stream id", s -> s.read("", 0)),
                invalid("read of a stream id of 201 characters", s -> s.read("s".repeat(201), 0)),
                invalid("read of a stream id with a lone surrogate", s -> s.read("cart-\ud83d", 0)),
                invalid("readAll from a negative position", s -> s.readAll(-1, 10)),
                invalid("readAll with limit 0", s -> s.readAll(0, 0)),
                invalid("readAll with a negative limit", s -> s.readAll(0, -5)),
                invalid("readAll with a limit over Limits.MAX_READ_LIMIT",
                        s -> s.readAll(0, Limits.MAX_READ_LIMIT + 1)),
                invalid("subscribe from a negative position", s -> s.subscribe(-1)),
                invalid("streamVersion of a null stream id", s -> s.streamVersion(null)),
                invalid("streamVersion of an empty stream id", s -> s.streamVersion("")),
                invalid("saveSnapshot(null)", s -> {
                    s.saveSnapshot(null);
                    return null;
                }),
                invalid("saveSnapshot ahead of its stream", s -> {
                    s.saveSnapshot(new Snapshot("cart-1", 3, "CartState", json("{}")));
                    return null;
                }),
                invalid("saveSnapshot of a stream without events", s -> {
                    s.saveSnapshot(new Snapshot("cart-2", 0, "CartState", json("{}")));
                    return null;
                }),
                invalid("loadSnapshot(null)", s -> s.loadSnapshot(null)),
                invalid("loadSnapshot of an empty stream id", s -> s.loadSnapshot("")));
    }

    private static Arguments invalid(String name, Function<EventStore, Object> request) {
        return Arguments.of(Named.of(name, request));
    }

    /** Runs a call's result to its end, so a lazy error (a failing Flux) surfaces as a thrown exception. */
    private static void completely(Object result) {
        if (result instanceof Flux<?> flux) {
            flux.blockLast(Duration.ofSeconds(10));
        }
    }

    static void assertWrongExpectedVersion(ThrowingCallable append, String streamId, ExpectedVersion expected,
                                           long actualVersion) {
        assertThat(catchThrowable(append)).isInstanceOfSatisfying(WrongExpectedVersion.class, e -> {
            assertThat(e.streamId()).as("streamId").isEqualTo(streamId);
            assertThat(e.expected()).as("expected").isEqualTo(expected);
            assertThat(e.actualVersion()).as("actualVersion").isEqualTo(actualVersion);
        });
    }

    static void assertDuplicate(Supplier<AppendResult> append, String streamId) {
        AppendResult[] answered = new AppendResult[1];
        Throwable failure = catchThrowable(() -> answered[0] = append.get());
        assertThat(failure)
                .as("expected DuplicateEventId, but the append answered %s", answered[0] == null ? failure : answered[0])
                .isInstanceOfSatisfying(DuplicateEventId.class, e -> assertThat(e.streamId()).isEqualTo(streamId));
    }

    static void assertSameEvent(RecordedEvent actual, RecordedEvent expected) {
        assertThat(actual).as("recorded event").isNotNull();
        assertThat(actual.eventId()).as("eventId").isEqualTo(expected.eventId());
        assertThat(actual.streamId()).as("streamId").isEqualTo(expected.streamId());
        assertThat(actual.version()).as("version").isEqualTo(expected.version());
        assertThat(actual.position()).as("position").isEqualTo(expected.position());
        assertThat(actual.type()).as("type").isEqualTo(expected.type());
        assertThat(actual.data()).as("data").isEqualTo(expected.data());
        assertThat(actual.metadata()).as("metadata").isEqualTo(expected.metadata());
        assertThat(actual).isEqualTo(expected);
    }

    static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof ExecutionException || current instanceof CompletionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    List<RecordedEvent> read(String streamId) {
        return read(streamId, 0);
    }

    List<RecordedEvent> read(String streamId, long fromVersion) {
        return store.read(streamId, fromVersion).collectList().block(PATIENCE);
    }

    List<RecordedEvent> readAll(long fromPosition) {
        return readAll(fromPosition, Limits.MAX_READ_LIMIT);
    }

    List<RecordedEvent> readAll(long fromPosition, int limit) {
        return store.readAll(fromPosition, limit).collectList().block(PATIENCE);
    }

    /** Appends {@code total} events to one stream in batches of {@code batchSize}. */
    void appendInBatches(String streamId, int total, int batchSize) {
        for (int appended = 0; appended < total; appended += batchSize) {
            store.append(streamId, any(), batch(Math.min(batchSize, total - appended)));
        }
    }

    /** Appends {@code total} events to one stream in batches of 1 to 8 events. */
    void appendAsWriter(String streamId, int total) {
        int appended = 0;
        for (int i = 0; appended < total; i++) {
            int size = Math.min(total - appended, 1 + i % 8);
            store.append(streamId, any(), batch(size));
            appended += size;
        }
    }

    static void awaitCount(RecordingSubscriber subscriber, int count) {
        eventually().until(() -> subscriber.count() >= count || subscriber.terminated());
        assertThat(subscriber.error()).as("subscription error").isNull();
        assertThat(subscriber.count()).as("events received").isGreaterThanOrEqualTo(count);
    }

    /** Awaits a condition that must come true; the timeout only ends a hang, it never passes a test. */
    static ConditionFactory eventually() {
        return await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2));
    }

    static CompletableFuture<Void> inBackground(Runnable task) {
        return CompletableFuture.runAsync(task, runnable -> Thread.ofPlatform().name("tck-background").start(runnable));
    }

    static List<Long> range(long fromInclusive, long toExclusive) {
        return LongStream.range(fromInclusive, toExclusive).boxed().toList();
    }
}
