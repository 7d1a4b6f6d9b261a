package eventshop.eventstore.tck;

import static eventshop.eventstore.ExpectedVersion.any;
import static eventshop.eventstore.ExpectedVersion.exactly;
import static eventshop.eventstore.ExpectedVersion.noStream;
import static eventshop.eventstore.tck.Events.batch;
import static eventshop.eventstore.tck.Events.bytes;
import static eventshop.eventstore.tck.Events.event;
import static eventshop.eventstore.tck.Events.everyByteValue;
import static eventshop.eventstore.tck.Events.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.DuplicateEventId;
import eventshop.eventstore.EventData;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The {@link EventStoreContract} plus what an engine that keeps its events must do: everything it
 * acknowledged comes back, unchanged, when its directory is opened again after {@code close()}.
 *
 * <p>Persistent engines extend this class instead of {@link EventStoreContract}, still supplying only
 * {@link #open(Path)}. Crash safety (kill -9, torn writes) is the engine's own test's business: a
 * contract suite cannot crash a process portably.
 */
public abstract class PersistentEventStoreContract extends EventStoreContract {

    @Override
    protected final boolean persistent() {
        return true;
    }

    /** Closes the store under test and opens its directory again. */
    protected void reopen() {
        store.close();
        store = open(directory);
    }

    @Nested
    class Reopening {

        @Test
        void emptyStore_isStillEmptyAfterReopen() {
            reopen();

            assertThat(store.headPosition()).isEqualTo(-1);
            assertThat(readAll(0)).isEmpty();
            assertThat(store.append("cart-1", noStream(), batch(1))).isEqualTo(new AppendResult(0, 0));
        }

        @Test
        void everyEvent_roundTripsAcrossReopen_inEveryField() {
            // given
            List<EventData> cart = List.of(
                    event(),
                    new EventData(Events.newId(), "Ünïcödé \ud83d\uded2", everyByteValue(), Events.richMetadata()),
                    event("Emptied", new byte[0]),
                    event(bytes(1024 * 1024, 11)));
            store.append("cart-\u6ce8\u6587-\ud83d\uded2", noStream(), cart);
            store.append("cart-2", noStream(), batch(3));
            List<RecordedEvent> before = readAll(0);

            // when
            reopen();

            // then
            List<RecordedEvent> after = readAll(0);
            assertThat(after).hasSameSizeAs(before);
            for (int i = 0; i < before.size(); i++) {
                assertSameEvent(after.get(i), before.get(i));
            }
            assertThat(read("cart-\u6ce8\u6587-\ud83d\uded2")).isEqualTo(before.subList(0, 4));
        }

        @Test
        void streamVersionsAndHead_surviveReopen() {
            // given
            store.append("cart-1", noStream(), batch(5));
            store.append("cart-2", noStream(), batch(2));
            store.append("cart-1", exactly(4), batch(1));

            // when
            reopen();

            // then
            assertThat(store.streamVersion("cart-1")).isEqualTo(5);
            assertThat(store.streamVersion("cart-2")).isEqualTo(1);
            assertThat(store.streamVersion("cart-3")).isEqualTo(-1);
            assertThat(store.headPosition()).isEqualTo(7);
        }

        @Test
        void positionsAndVersions_continueWithoutGaps_afterReopen() {
            // given
            store.append("cart-1", noStream(), batch(3));
            store.append("cart-2", noStream(), batch(2));

            // when
            reopen();
            AppendResult cart1 = store.append("cart-1", exactly(2), batch(2));
            AppendResult cart3 = store.append("cart-3", noStream(), batch(1));

            // then
            assertThat(cart1).isEqualTo(new AppendResult(4, 6));
            assertThat(cart3).isEqualTo(new AppendResult(0, 7));
            assertThat(readAll(0)).extracting(RecordedEvent::position).containsExactlyElementsOf(range(0, 8));
            assertThat(read("cart-1")).extracting(RecordedEvent::version).containsExactlyElementsOf(range(0, 5));
        }

        @Test
        void expectedVersions_areCheckedAgainstTheReopenedStreams() {
            store.append("cart-1", noStream(), batch(3));

            reopen();

            assertWrongExpectedVersion(() -> store.append("cart-1", noStream(), batch(1)), "cart-1", noStream(), 2);
            assertWrongExpectedVersion(() -> store.append("cart-1", exactly(1), batch(1)), "cart-1", exactly(1), 2);
            assertThat(store.append("cart-1", exactly(2), batch(1)).streamVersion()).isEqualTo(3);
        }

        @Test
        void retry_afterReopen_isStillANoOp() {
            // given
            List<EventData> first = batch(3);
            AppendResult firstResult = store.append("cart-1", noStream(), first);
            List<EventData> second = batch(2);
            AppendResult secondResult = store.append("cart-1", exactly(2), second);

            // when
            reopen();
            AppendResult firstRetried = store.append("cart-1", noStream(), first);
            AppendResult secondRetried = store.append("cart-1", any(), second);

            // then
            assertThat(firstRetried).isEqualTo(firstResult);
            assertThat(secondRetried).isEqualTo(secondResult);
            assertThat(store.headPosition()).isEqualTo(4);
        }

        @Test
        void retryWithOtherContent_afterReopen_failsWithDuplicateEventId() {
            EventData event = event();
            store.append("cart-1", noStream(), List.of(event));

            reopen();

            assertThat(catchThrowable(() -> store.append("cart-1", noStream(),
                    List.of(Events.withData(event, json("{\"changed\":true}"))))))
                    .isInstanceOf(DuplicateEventId.class);
            assertThat(store.headPosition()).isZero();
        }

        @Test
        void snapshots_surviveReopen() {
            // given
            store.append("cart-1", noStream(), batch(4));
            store.append("cart-2", noStream(), batch(1));
            store.saveSnapshot(new Snapshot("cart-1", 1, "CartState", json("{\"v\":1}")));
            store.saveSnapshot(new Snapshot("cart-1", 3, "CartState", everyByteValue()));

            // when
            reopen();

            // then
            assertThat(store.loadSnapshot("cart-1")).contains(new Snapshot("cart-1", 3, "CartState", everyByteValue()));
            assertThat(store.loadSnapshot("cart-2")).isEmpty();
        }

        @Test
        void subscription_afterReopen_catchesUpFromAnyPosition() {
            // given
            appendInBatches("cart-1", 300, 30);
            reopen();
            RecordingSubscriber fromStart = RecordingSubscriber.unbounded();
            RecordingSubscriber fromMiddle = RecordingSubscriber.unbounded();

            // when
            store.subscribe(0).subscribe(fromStart);
            store.subscribe(150).subscribe(fromMiddle);
            store.append("cart-2", noStream(), batch(10));

            // then
            awaitCount(fromStart, 310);
            awaitCount(fromMiddle, 160);
            fromStart.dispose();
            fromMiddle.dispose();
            assertThat(fromStart.positions()).containsExactlyElementsOf(range(0, 310));
            assertThat(fromMiddle.positions()).containsExactlyElementsOf(range(150, 310));
            assertThat(fromStart.events()).isEqualTo(readAll(0));
        }

        @Test
        void severalReopenCycles_keepEverything() {
            // given / when
            List<EventData> appended = new ArrayList<>();
            for (int cycle = 0; cycle < 5; cycle++) {
                for (int i = 0; i < 10; i++) {
                    List<EventData> events = batch(1 + i % 4);
                    store.append("stream-" + i % 3, any(), events);
                    appended.addAll(events);
                }
                reopen();
            }

            // then
            assertThat(readAll(0)).extracting(RecordedEvent::eventId)
                    .containsExactlyElementsOf(appended.stream().map(EventData::eventId).toList());
            assertThat(readAll(0)).extracting(RecordedEvent::position)
                    .containsExactlyElementsOf(range(0, appended.size()));
            for (int s = 0; s < 3; s++) {
                assertThat(read("stream-" + s)).extracting(RecordedEvent::version)
                        .containsExactlyElementsOf(range(0, store.streamVersion("stream-" + s) + 1));
            }
        }

        @Test
        void manyEvents_surviveReopen() {
            // given
            for (int i = 0; i < 20; i++) {
                store.append("stream-" + i % 5, any(), batch(250));
            }
            List<RecordedEvent> before = readAll(0);

            // when
            reopen();

            // then
            assertThat(readAll(0)).isEqualTo(before);
            assertThat(store.headPosition()).isEqualTo(4_999);
            assertThat(store.append("stream-0", exactly(999), batch(1))).isEqualTo(new AppendResult(1_000, 5_000));
        }

        @Test
        void acknowledgedAsyncAppends_surviveClose() throws Exception {
            // given
            List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(store.appendAsync("cart-1", any(), batch(1)));
            }
            long acknowledged = 0;
            for (CompletableFuture<AppendResult> future : futures) {
                future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                acknowledged++;
            }

            // when
            reopen();

            // then
            assertThat(store.streamVersion("cart-1")).isEqualTo(acknowledged - 1);
            assertThat(read("cart-1")).hasSize((int) acknowledged);
        }

        @Test
        void appendsAcknowledgedBeforeClose_surviveIt_evenWithOthersInFlight() {
            // given
            List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(store.appendAsync("cart-1", any(), batch(1)));
            }

            // when
            store.close();
            List<AppendResult> acknowledged = new ArrayList<>();
            for (CompletableFuture<AppendResult> future : futures) {
                try {
                    acknowledged.add(future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
                } catch (Exception closed) {
                    // in flight when the store closed: may be lost, may have been kept
                }
            }
            store = open(directory);

            // then
            long version = store.streamVersion("cart-1");
            assertThat(acknowledged).allSatisfy(result -> assertThat(result.streamVersion()).isLessThanOrEqualTo(version));
            assertThat(read("cart-1")).extracting(RecordedEvent::position).containsExactlyElementsOf(range(0, version + 1));
        }
    }
}
