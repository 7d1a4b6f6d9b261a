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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;

/**
 * A failing disk under the file engine ({@link FaultyDisk}): a write that raises an I/O error, an
 * fsync that does (once, or until the disk is mended), a disk that fills up in the middle of a
 * batch, and a repair that cannot cut the log back. Each fails the appends it hits with
 * {@link StorageUnavailable}, acknowledges nothing that is not stored, shows readers (and the next
 * open) only acknowledged events, and takes appends again once the fault goes, without a reopen.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FileEngineDiskFaultTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final FaultyDisk disk = new FaultyDisk();
    private final Random random = new Random(17);

    private static FileEventStoreOptions options(Durability durability) {
        return FileEventStoreOptions.defaults().withDurability(durability).withFsyncInterval(Duration.ofMillis(2))
                .withSegmentBytes(1024 * 1024).withIndexCheckpointBytes(128 * 1024);
    }

    private FileEventStore open(Durability durability) {
        return FileEventStore.open(dir, options(durability), disk);
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void anIoErrorOnWrite_refusesTheAppend_storesNothing_andTheFirstAppendAfterTheFaultIsStored(Durability durability) {
        List<RecordedEvent> acknowledged;
        try (FileEventStore store = open(durability)) {
            // given acknowledged events
            store.append("a", ExpectedVersion.noStream(), events(3, 100));
            store.append("b", ExpectedVersion.noStream(), events(2, 100));
            List<RecordedEvent> before = StoreAudit.readEverything(store);
            long bytesBefore = logBytes();

            // when the disk refuses writes
            disk.failWrites();
            List<EventData> refused = events(2, 100);
            assertThatThrownBy(() -> store.append("a", ExpectedVersion.exactly(2), refused))
                    .isInstanceOf(StorageUnavailable.class).hasMessageContaining("Input/output error");
            assertThatThrownBy(() -> store.append("c", ExpectedVersion.noStream(), events(1, 10)))
                    .isInstanceOf(StorageUnavailable.class);

            // then readers see exactly what was acknowledged, and the log holds nothing more
            assertThat(disk.failedWrites).hasPositiveValue();
            assertThat(StoreAudit.readEverything(store)).isEqualTo(before);
            assertThat(store.streamVersion("a")).isEqualTo(2);
            assertThat(store.streamVersion("c")).isEqualTo(-1);
            assertThat(logBytes()).isEqualTo(bytesBefore);

            // and once the fault goes, the next append is stored where the refused one would have been
            disk.heal();
            assertThat(store.append("a", ExpectedVersion.exactly(2), refused)).isEqualTo(new AppendResult(4, 6));
            acknowledged = StoreAudit.readEverything(store);
        }
        assertReopenedHolds(durability, acknowledged);
    }

    @Test
    void aFailedFsync_refusesTheAppend_andCutsItsWrittenRecords_evenThoughTheNextFsyncSucceeds() {
        List<RecordedEvent> acknowledged;
        List<EventData> refused = events(3, 1000);
        try (FileEventStore store = open(Durability.FSYNC)) {
            // given acknowledged events
            store.append("a", ExpectedVersion.noStream(), events(3, 100));
            List<RecordedEvent> before = StoreAudit.readEverything(store);
            long bytesBefore = logBytes();

            // when one fsync fails: the records reached the file (the page cache), not the disk, and the
            // next fsync succeeds as it does on Linux once the error was reported
            disk.failNextForce();
            assertThatThrownBy(() -> store.append("a", ExpectedVersion.exactly(2), refused))
                    .isInstanceOf(StorageUnavailable.class).hasMessageContaining("Input/output error");

            // then the refused batch was not kept as if that later fsync had covered it: it is cut off
            assertThat(disk.failedForces).hasValue(1);
            assertThat(StoreAudit.readEverything(store)).isEqualTo(before);
            assertThat(logBytes()).isEqualTo(bytesBefore);

            // and the store takes appends again at once
            assertThat(store.append("a", ExpectedVersion.exactly(2), events(1, 10))).isEqualTo(new AppendResult(3, 3));
            acknowledged = StoreAudit.readEverything(store);
        }
        assertReopenedHolds(Durability.FSYNC, acknowledged);
        assertThat(ids(acknowledged)).doesNotContainAnyElementsOf(ids(refused));
    }

    @Test
    void whileTheLogCannotBeRepaired_everyAppendIsRefused_andTheFirstAfterTheFaultIsStored() {
        List<RecordedEvent> acknowledged;
        try (FileEventStore store = open(Durability.FSYNC)) {
            // given acknowledged events
            store.append("a", ExpectedVersion.noStream(), events(2, 100));
            List<RecordedEvent> before = StoreAudit.readEverything(store);

            // when every fsync and truncation fails (the repair cannot cut the log back or force it)
            disk.failForces();
            disk.failTruncates();
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> store.append("a", ExpectedVersion.any(), events(1, 100)))
                        .as("append %d while the disk fails", i).isInstanceOf(StorageUnavailable.class);
            }
            // then nothing was acknowledged or shown
            assertThat(StoreAudit.readEverything(store)).isEqualTo(before);

            // and when only the writes and fsyncs work again, the repair still cannot truncate: refused
            disk.heal();
            disk.failTruncates();
            assertThatThrownBy(() -> store.append("a", ExpectedVersion.any(), events(1, 100)))
                    .isInstanceOf(StorageUnavailable.class);
            assertThat(StoreAudit.readEverything(store)).isEqualTo(before);

            // and once the disk works, the first append repairs the log and is stored after what was acknowledged
            disk.heal();
            assertThat(store.append("a", ExpectedVersion.exactly(1), events(2, 100))).isEqualTo(new AppendResult(3, 3));
            acknowledged = StoreAudit.readEverything(store);
        }
        assertReopenedHolds(Durability.FSYNC, acknowledged);
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aDiskThatFillsUpInTheMiddleOfABatch_leavesNoPartOfIt(Durability durability) {
        List<RecordedEvent> acknowledged;
        List<EventData> batch = events(4, 2000);
        try (FileEventStore store = open(durability)) {
            // given acknowledged events
            store.append("a", ExpectedVersion.noStream(), events(2, 100));
            List<RecordedEvent> before = StoreAudit.readEverything(store);
            long bytesBefore = logBytes();

            // when the disk fills up after part of a batch was written
            disk.fillUpAfter(3000);
            assertThatThrownBy(() -> store.append("a", ExpectedVersion.exactly(1), batch))
                    .isInstanceOf(StorageUnavailable.class).hasMessageContaining("No space left on device");

            // then no part of the batch is kept or shown, and appends are refused while the disk is full
            assertThat(logBytes()).isEqualTo(bytesBefore);
            assertThat(StoreAudit.readEverything(store)).isEqualTo(before);
            assertThatThrownBy(() -> store.append("b", ExpectedVersion.noStream(), events(1, 10)))
                    .isInstanceOf(StorageUnavailable.class);

            // and once there is room, the batch is stored whole
            disk.heal();
            assertThat(store.append("a", ExpectedVersion.exactly(1), batch)).isEqualTo(new AppendResult(5, 5));
            acknowledged = StoreAudit.readEverything(store);
        }
        assertReopenedHolds(durability, acknowledged);
    }

    @Test
    void inIntervalMode_aFailedFsync_stopsTheStoreUntilReopened_sinceAcknowledgedEventsMayBeLost() {
        List<List<EventData>> acknowledged = new ArrayList<>();
        try (FileEventStore store = open(Durability.INTERVAL)) {
            // given a store that acknowledges after the write and forces every 2 ms
            List<EventData> first = events(2, 100);
            store.append("a", ExpectedVersion.any(), first);
            acknowledged.add(first);

            // when its fsyncs fail
            disk.failForces();

            // then an append is refused once an fsync has failed, and still after the disk works again
            await().atMost(WAIT).until(() -> {
                List<EventData> batch = events(1, 100);
                try {
                    store.append("a", ExpectedVersion.any(), batch);
                    acknowledged.add(batch);
                    return false;
                } catch (StorageUnavailable refused) {
                    return refused.getMessage().contains("reopen");
                }
            });
            disk.heal();
            assertThatThrownBy(() -> store.append("a", ExpectedVersion.any(), events(1, 10)))
                    .isInstanceOf(StorageUnavailable.class).hasMessageContaining("reopen");
        }

        // and reopened, it holds every event it acknowledged (the process did not die, the page cache holds them)
        try (FileEventStore store = FileEventStore.open(dir, options(Durability.INTERVAL))) {
            assertThat(ids(StoreAudit.readEverything(store)))
                    .containsExactlyElementsOf(acknowledged.stream().flatMap(List::stream).map(EventData::eventId).toList());
        }
    }

    /** An append's outcome as its writer saw it. */
    private record Outcome(String stream, List<EventData> batch, AppendResult result) {
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void concurrentWriters_throughFaultsOfEveryKind_haveExactlyTheirAcknowledgedAppendsStored(Durability durability)
            throws Exception {
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicInteger acks = new AtomicInteger();
        AtomicInteger refusals = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<RecordedEvent> stored;
        try (FileEventStore store = open(durability)) {
            // given a subscriber and four writers appending to streams of their own
            List<RecordedEvent> live = Collections.synchronizedList(new ArrayList<>());
            Disposable subscription = store.subscribe(0).subscribe(live::add, unexpected::add);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                Random own = new Random(writer);
                writers.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        String stream = "w" + writer + "-" + own.nextInt(3);
                        List<EventData> batch = events(own, 1 + own.nextInt(4), own.nextInt(3000));
                        try {
                            outcomes.add(new Outcome(stream, batch, store.append(stream, ExpectedVersion.any(), batch)));
                            acks.incrementAndGet();
                        } catch (StorageUnavailable refused) {
                            outcomes.add(new Outcome(stream, batch, null));
                            refusals.incrementAndGet();
                        } catch (Throwable e) {
                            unexpected.add(e);
                            return;
                        }
                    }
                }));
            }

            // when the disk fails in every way it can, each time until appends were refused (5, or the one
            // group a single failed fsync refuses), then heals
            Map<Consumer<FaultyDisk>, Integer> faults = new LinkedHashMap<>();
            faults.put(FaultyDisk::failWrites, 5);
            faults.put(faulty -> faulty.fillUpAfter(random.nextInt(20_000)), 5);
            faults.put(FaultyDisk::failTruncates, 0); // no harm while writes work
            faults.put(faulty -> {
                faulty.failWrites();
                faulty.failTruncates();
            }, 5);
            if (durability == Durability.FSYNC) {
                // a failed fsync made for appends refuses at least the appends it was to cover
                faults.put(FaultyDisk::failNextAppendForce, 1);
                faults.put(FaultyDisk::failForces, 5);
                faults.put(faulty -> faulty.failNextAppendForce(), 1);
            }
            for (Map.Entry<Consumer<FaultyDisk>, Integer> fault : faults.entrySet()) {
                awaitMore(acks, 50, unexpected);
                fault.getKey().accept(disk);
                awaitMore(refusals, fault.getValue(), unexpected);
                disk.heal();
            }
            if (durability == Durability.FSYNC) {
                // the index checkpointer's fsync fails: it may cover no unacknowledged append (then nothing
                // is refused), but the log is rolled back and repaired all the same, and appends go on
                awaitMore(acks, 50, unexpected);
                int failedBefore = disk.failedForces.get();
                disk.failNextCheckpointForce();
                await().atMost(WAIT).until(() -> disk.failedForces.get() > failedBefore || !unexpected.isEmpty());
                disk.heal();
            }
            awaitMore(acks, 50, unexpected);
            stop.set(true);
            for (Thread writer : writers) {
                writer.join();
            }
            assertThat(unexpected).isEmpty();

            // then the store holds exactly the acknowledged appends, each where its answer said
            stored = StoreAudit.verify(store, List.of()).all();
            assertHoldsExactlyTheAcknowledged(stored, outcomes);
            assertThat(refusals.get()).isGreaterThanOrEqualTo(faults.values().stream().mapToInt(Integer::intValue).sum());

            // and the live subscriber saw the same events, none refused and none twice
            await().atMost(WAIT).until(() -> live.size() >= stored.size());
            subscription.dispose();
            assertThat(live).isEqualTo(stored);
        }
        // and so does the next open
        assertReopenedHolds(durability, stored);
    }

    private static void awaitMore(AtomicInteger counter, int more, ConcurrentLinkedQueue<Throwable> unexpected) {
        int target = counter.get() + more;
        await().atMost(WAIT).until(() -> counter.get() >= target || !unexpected.isEmpty());
        assertThat(unexpected).isEmpty();
    }

    private static void assertHoldsExactlyTheAcknowledged(List<RecordedEvent> stored, Iterable<Outcome> outcomes) {
        Map<UUID, RecordedEvent> byId = stored.stream().collect(Collectors.toMap(RecordedEvent::eventId, e -> e));
        long acknowledgedEvents = 0;
        for (Outcome outcome : outcomes) {
            List<EventData> batch = outcome.batch();
            if (outcome.result() == null) {
                assertThat(ids(batch)).as("events of a refused append to %s", outcome.stream())
                        .noneMatch(byId::containsKey);
                continue;
            }
            acknowledgedEvents += batch.size();
            for (int i = 0; i < batch.size(); i++) {
                RecordedEvent event = byId.get(batch.get(i).eventId());
                assertThat(event).as("acknowledged event %d of %s", i, outcome).isNotNull();
                assertThat(batch.get(i).sameContentAs(event)).as("content of %s", event).isTrue();
                assertThat(event.streamId()).isEqualTo(outcome.stream());
                long fromEnd = batch.size() - 1 - i;
                assertThat(event.position()).as("position of %s", event).isEqualTo(outcome.result().position() - fromEnd);
                assertThat(event.version()).as("version of %s", event)
                        .isEqualTo(outcome.result().streamVersion() - fromEnd);
            }
        }
        assertThat(stored).as("nothing but acknowledged events").hasSize((int) acknowledgedEvents);
    }

    private void assertReopenedHolds(Durability durability, List<RecordedEvent> acknowledged) {
        try (FileEventStore store = FileEventStore.open(dir, options(durability))) {
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
            events.add(new EventData(new UUID(random.nextLong(), random.nextLong()), "Faulted", data, Metadata.EMPTY));
        }
        return events;
    }

    private static Set<UUID> ids(List<?> events) {
        return events.stream().map(event -> event instanceof RecordedEvent recorded ? recorded.eventId()
                : ((EventData) event).eventId()).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

}
