package eventshop.eventstore.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.StorageUnavailable;
import eventshop.eventstore.WrongExpectedVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file engine's group commit (issue 19): a lone writer appends, forces and is acknowledged on
 * its own thread (the fast path); appends that come while it holds the write lock queue for the
 * writer thread; the writer writes the next group while an fsync is in flight; acknowledgements
 * come in log order; a failed fsync on the fast path is rolled back like one on the writer's path;
 * and expected versions stay serial across both paths. Fsyncs are held in flight with
 * {@link FaultyDisk#holdForces()}, so the interleavings are made, not hoped for.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FileEngineGroupCommitTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final FaultyDisk disk = new FaultyDisk();
    private final Random random = new Random(19);

    @AfterEach
    void release() {
        disk.releaseForces();
    }

    private FileEventStore open() {
        return FileEventStore.open(dir, FileEventStoreOptions.defaults().withSegmentBytes(1024 * 1024)
                .withIndexCheckpointBytes(128 * 1024), disk);
    }

    @Test
    void aLoneWriter_takesTheFastPath_andEachAppendIsForcedBeforeItReturns() {
        List<RecordedEvent> acknowledged;
        try (FileEventStore store = open()) {
            int forcesBefore = disk.forces.get();
            for (int i = 0; i < 20; i++) {
                ExpectedVersion expected = i == 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(i - 1);
                assertThat(store.append("a", expected, events(1, 100))).isEqualTo(new AppendResult(i, i));
            }
            assertThat(store.fastPathAppends()).isEqualTo(20);
            assertThat(disk.forces.get() - forcesBefore).isGreaterThanOrEqualTo(20);
            acknowledged = StoreAudit.readEverything(store);
        }
        assertReopenedHolds(acknowledged);
    }

    @Test
    void appendsThatComeWhileTheFastPathsFsyncIsInFlight_areWrittenMeanwhile_andAcknowledgedAfterIt_inLogOrder()
            throws Exception {
        List<RecordedEvent> acknowledged;
        try (FileEventStore store = open()) {
            // given a lone writer whose fast-path fsync is in flight
            store.append("lone", ExpectedVersion.noStream(), events(1, 100));
            disk.holdForces();
            CompletableFuture<AppendResult> lone = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    lone.complete(store.append("lone", ExpectedVersion.exactly(0), events(1, 100)));
                } catch (Throwable e) {
                    lone.completeExceptionally(e);
                }
            });
            disk.awaitHeldForce();
            long bytesWhileLoneIsForced = logBytes();

            // when many join it
            List<Long> completions = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<AppendResult>> joined = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                CompletableFuture<AppendResult> append = store.appendAsync("s" + i % 4, ExpectedVersion.any(),
                        events(1 + i % 3, 100));
                append.thenAccept(result -> completions.add(result.position()));
                joined.add(append);
            }

            // then the writer thread writes them while the lone writer's fsync runs (the pipeline stays
            // full), but none is acknowledged or shown to readers before the lone writer's append is
            await().atMost(WAIT).until(() -> logBytes() > bytesWhileLoneIsForced + 32 * 100);
            assertThat(joined).noneMatch(CompletableFuture::isDone);
            assertThat(lone).isNotDone();
            assertThat(store.headPosition()).isEqualTo(0);
            disk.releaseForces();
            assertThat(lone.get(60, TimeUnit.SECONDS)).isEqualTo(new AppendResult(1, 1));
            CompletableFuture.allOf(joined.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(store.fastPathAppends()).isEqualTo(2);

            // and they are stored after it, each batch whole, acknowledged in the order of the log
            List<Long> positions = joined.stream().map(CompletableFuture::join).map(AppendResult::position).toList();
            assertThat(positions).isSorted().doesNotHaveDuplicates().allMatch(p -> p > 1);
            await().atMost(WAIT).until(() -> completions.size() == positions.size());
            assertThat(completions).containsExactlyElementsOf(positions);
            assertThat(store.headPosition()).isEqualTo(positions.getLast());

            // and once the crowd has gone, the lone writer takes the fast path again
            long fastBefore = store.fastPathAppends();
            await().atMost(WAIT).until(() -> {
                store.append("lone", ExpectedVersion.any(), events(1, 10));
                return store.fastPathAppends() > fastBefore;
            });
            acknowledged = StoreAudit.readEverything(store);
        }
        assertReopenedHolds(acknowledged);
    }

    @Test
    void whileOneGroupsFsyncIsInFlight_theNextGroupIsWritten_andBothAreAcknowledgedInOrder() throws Exception {
        List<RecordedEvent> acknowledged;
        try (FileEventStore store = open()) {
            // given a group whose fsync is in flight
            store.append("a", ExpectedVersion.noStream(), events(1, 100));
            disk.holdForces();
            List<String> completions = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<AppendResult> first = store.appendAsync("a", ExpectedVersion.exactly(0), events(2, 100));
            first.thenRun(() -> completions.add("first"));
            disk.awaitHeldForce();
            long bytesWhileFirstIsForced = logBytes();

            // when the next appends come
            CompletableFuture<AppendResult> second = store.appendAsync("a", ExpectedVersion.exactly(2),
                    events(3, 100));
            second.thenRun(() -> completions.add("second"));
            CompletableFuture<AppendResult> third = store.appendAsync("b", ExpectedVersion.noStream(),
                    events(1, 100));
            third.thenRun(() -> completions.add("third"));

            // then they are written to the log meanwhile, but neither is acknowledged nor shown to readers
            await().atMost(WAIT).until(() -> logBytes() > bytesWhileFirstIsForced + 4 * 100);
            assertThat(List.of(first, second, third)).noneMatch(CompletableFuture::isDone);
            assertThat(store.headPosition()).isEqualTo(0);
            assertThat(store.streamVersion("a")).isEqualTo(0);

            // and once the fsyncs go on, all are acknowledged, in the order they were written
            disk.releaseForces();
            assertThat(first.get(60, TimeUnit.SECONDS)).isEqualTo(new AppendResult(2, 2));
            assertThat(second.get(60, TimeUnit.SECONDS)).isEqualTo(new AppendResult(5, 5));
            assertThat(third.get(60, TimeUnit.SECONDS)).isEqualTo(new AppendResult(0, 6));
            await().atMost(WAIT).until(() -> completions.size() == 3);
            assertThat(completions).containsExactly("first", "second", "third");
            acknowledged = StoreAudit.readEverything(store);
        }
        assertReopenedHolds(acknowledged);
    }

    @Test
    void aFailedFsyncOnTheFastPath_refusesTheAppend_rollsTheLogBack_andTheNextAppendIsStored() {
        List<RecordedEvent> acknowledged;
        List<EventData> refused = events(2, 500);
        try (FileEventStore store = open()) {
            // given a lone writer's acknowledged appends
            store.append("a", ExpectedVersion.noStream(), events(2, 100));
            List<RecordedEvent> before = StoreAudit.readEverything(store);
            long bytesBefore = logBytes();

            // when the fsync of its next append fails (the records reached the page cache only)
            disk.failNextForce();
            assertThatThrownBy(() -> store.append("a", ExpectedVersion.exactly(1), refused))
                    .isInstanceOf(StorageUnavailable.class).hasMessageContaining("Input/output error");

            // then it was refused on the fast path, and its records are cut from the log
            assertThat(store.fastPathAppends()).isEqualTo(2);
            assertThat(disk.failedForces).hasValue(1);
            assertThat(logBytes()).isEqualTo(bytesBefore);
            assertThat(StoreAudit.readEverything(store)).isEqualTo(before);
            assertThat(store.streamVersion("a")).isEqualTo(1);

            // and the next append is stored where the refused one would have been
            assertThat(store.append("a", ExpectedVersion.exactly(1), refused)).isEqualTo(new AppendResult(3, 3));
            assertThat(store.append("b", ExpectedVersion.noStream(), events(1, 10))).isEqualTo(new AppendResult(0, 4));
            acknowledged = StoreAudit.readEverything(store);
        }
        assertReopenedHolds(acknowledged);
    }

    @Test
    void aFailedFsyncOnTheFastPath_alsoRefusesTheGroupWrittenDuringIt_andTheLogTakesAppendsAgain() throws Exception {
        List<RecordedEvent> acknowledged;
        try (FileEventStore store = open()) {
            // given a lone writer whose fast-path fsync is in flight, and a group written meanwhile
            store.append("a", ExpectedVersion.noStream(), events(1, 100));
            List<RecordedEvent> before = StoreAudit.readEverything(store);
            long bytesBefore = logBytes();
            disk.holdForces();
            CompletableFuture<AppendResult> lone = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    lone.complete(store.append("a", ExpectedVersion.exactly(0), events(1, 100)));
                } catch (Throwable e) {
                    lone.completeExceptionally(e);
                }
            });
            disk.awaitHeldForce();
            long bytesWhileLoneIsForced = logBytes();
            List<CompletableFuture<AppendResult>> written = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                written.add(store.appendAsync("b" + i, ExpectedVersion.noStream(), events(2, 100)));
            }
            await().atMost(WAIT).until(() -> logBytes() > bytesWhileLoneIsForced + 8 * 2 * 100);

            // when the lone writer's fsync fails
            disk.failNextForce();
            disk.releaseForces();

            // then its append and every append written after it are refused, and cut from the log
            assertThatThrownBy(() -> lone.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(StorageUnavailable.class);
            for (CompletableFuture<AppendResult> append : written) {
                assertThatThrownBy(() -> append.get(60, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(StorageUnavailable.class);
            }
            assertThat(disk.failedForces).hasValue(1);
            assertThat(StoreAudit.readEverything(store)).isEqualTo(before);
            assertThat(store.streamVersion("a")).isEqualTo(0);
            assertThat(store.streamVersion("b0")).isEqualTo(-1);
            await().atMost(WAIT).until(() -> logBytes() == bytesBefore);

            // and the next appends are stored where the refused ones would have been
            assertThat(store.append("a", ExpectedVersion.exactly(0), events(1, 100))).isEqualTo(new AppendResult(1, 1));
            assertThat(store.appendAsync("b0", ExpectedVersion.noStream(), events(2, 100)).get(60, TimeUnit.SECONDS))
                    .isEqualTo(new AppendResult(1, 3));
            acknowledged = StoreAudit.readEverything(store);
        }
        assertReopenedHolds(acknowledged);
    }

    @Test
    void concurrentAppendsToOneStream_withExpectedVersions_acrossBothPaths_storeOneLineOfVersions()
            throws Exception {
        int writers = 8;
        int wanted = 300;
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Stored> stored = new ConcurrentLinkedQueue<>();
        AtomicInteger conflicts = new AtomicInteger();
        List<RecordedEvent> acknowledged;
        try (FileEventStore store = open()) {
            // given a lone writer on the fast path, its fsync in flight
            store.append("x", ExpectedVersion.noStream(), events(1, 50));
            disk.holdForces();
            Thread.ofPlatform().start(() -> {
                try {
                    store.append("y", ExpectedVersion.noStream(), events(1, 50));
                } catch (Throwable e) {
                    unexpected.add(e);
                }
            });
            disk.awaitHeldForce();

            // when writers race to append to one stream, each expecting the version it last read
            CountDownLatch started = new CountDownLatch(writers);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                Random own = new Random(w);
                threads.add(Thread.ofPlatform().start(() -> {
                    started.countDown();
                    while (stored.size() < wanted && unexpected.isEmpty()) {
                        long version = store.streamVersion("x");
                        List<EventData> batch = events(own, 1 + own.nextInt(3), 50);
                        try {
                            stored.add(new Stored(batch, store.append("x", ExpectedVersion.exactly(version), batch)));
                        } catch (WrongExpectedVersion lost) {
                            conflicts.incrementAndGet();
                        } catch (Throwable e) {
                            unexpected.add(e);
                        }
                    }
                }));
            }
            started.await();
            disk.releaseForces();
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertThat(unexpected).isEmpty();

            // then the stream is one gapless line of versions: every acknowledged batch exactly where its
            // result says, nothing else, and no two writers got the same version
            List<RecordedEvent> stream = store.read("x", 0).collectList().block(WAIT);
            assertThat(stream).extracting(RecordedEvent::version)
                    .containsExactlyElementsOf(LongStream.range(0, stream.size()).boxed().toList());
            long expectedEvents = 1;
            for (Stored append : stored) {
                long first = append.result().streamVersion() - append.batch().size() + 1;
                for (int i = 0; i < append.batch().size(); i++) {
                    assertThat(stream.get((int) (first + i)).eventId()).isEqualTo(append.batch().get(i).eventId());
                }
                expectedEvents += append.batch().size();
            }
            assertThat(stream).hasSize((int) expectedEvents);
            assertThat(store.fastPathAppends()).isGreaterThanOrEqualTo(2);
            acknowledged = StoreAudit.readEverything(store);
        }
        assertReopenedHolds(acknowledged);
    }

    /** An acknowledged append. */
    private record Stored(List<EventData> batch, AppendResult result) {
    }

    private void assertReopenedHolds(List<RecordedEvent> acknowledged) {
        try (FileEventStore store = FileEventStore.open(dir)) {
            assertThat(store.tornTailBytes()).as("torn tail found by the open").isZero();
            assertThat(StoreAudit.verify(store, List.of()).all()).isEqualTo(acknowledged);
        }
    }

    /** The log's bytes up to its last record (see {@link LogFiles#recordBytes}). */
    private long logBytes() {
        return LogFiles.recordBytes(dir);
    }

    private List<EventData> events(int count, int bytes) {
        return events(random, count, bytes);
    }

    private static List<EventData> events(Random random, int count, int bytes) {
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[bytes];
            random.nextBytes(data);
            events.add(new EventData(new UUID(random.nextLong(), random.nextLong()), "Grouped", data,
                    Metadata.EMPTY));
        }
        return events;
    }
}
