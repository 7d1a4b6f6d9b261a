package eventshop.eventstore.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.CorruptStoreException;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.RecordedEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.test.StepVerifier;

/**
 * What opening a damaged store does, damage done by hand to the files as the engine's Javadoc lays
 * them out: a torn tail is cut off and appending goes on gaplessly; a bad record anywhere else stops
 * the store with {@link CorruptStoreException} instead of being skipped; a damaged index checkpoint
 * is ignored and rebuilt from the log; a record damaged where only the checkpoint vouches for it is
 * refused when read.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FileEngineRecoveryTest {

    /**
     * Small segments, so a few MiB of events span several of them; no fsync per append, as these
     * tests damage files after a clean close (which forces the log) and a power loss is not their topic.
     */
    static final FileEventStoreOptions OPTIONS = FileEventStoreOptions.defaults().withSegmentBytes(1024 * 1024)
            .withDurability(Durability.NONE);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> STREAMS = List.of("order-1", "order-2", "cart-ü", "payment-€", "stock");

    @TempDir
    Path dir;

    /** Appends 1..5-event batches to a few streams until the log holds about {@code bytes}, then one batch of 3. */
    static List<CrashBatch> fill(EventStore store, long seed, long bytes) {
        Random random = new Random(seed);
        List<CrashBatch> batches = new ArrayList<>();
        long written = 0;
        while (written < bytes) {
            String stream = STREAMS.get(random.nextInt(STREAMS.size()));
            CrashBatch batch = append(store, stream, 1 + random.nextInt(5), random.nextLong());
            batches.add(batch);
            written += batch.events().stream().mapToLong(event -> event.data().length + 150).sum();
        }
        batches.add(append(store, STREAMS.getFirst(), 3, random.nextLong()));
        return batches;
    }

    static CrashBatch append(EventStore store, String stream, int size, long nonce) {
        long version = store.streamVersion(stream);
        CrashBatch batch = new CrashBatch(stream, version + 1, size, nonce);
        AppendResult result = store.append(stream,
                version < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(version), batch.events());
        assertThat(result.streamVersion()).isEqualTo(batch.last());
        return batch;
    }

    /** A store of about {@code bytes} of events, closed; returns its events. */
    List<RecordedEvent> createStore(long bytes) {
        try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
            fill(store, 1, bytes);
            return StoreAudit.readEverything(store);
        }
    }

    /** Opens the store, checks it holds exactly {@code expected}, appends a batch, and checks a reopen keeps it. */
    void assertHoldsExactlyAndAppendsGaplessly(List<RecordedEvent> expected) {
        RecordedEvent appended;
        try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
            assertHoldsExactly(store, expected);
            CrashBatch batch = append(store, STREAMS.getFirst(), 2, 99);
            assertThat(store.headPosition()).as("head after appending 2 events").isEqualTo(expected.size() + 1);
            appended = store.readAll(expected.size() + 1, 1).blockFirst(TIMEOUT);
            assertThat(appended.version()).isEqualTo(batch.last());
        }
        try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
            List<RecordedEvent> all = StoreAudit.verify(store, List.of()).all();
            assertThat(all.subList(0, expected.size())).isEqualTo(expected);
            assertThat(all).hasSize(expected.size() + 2).last().isEqualTo(appended);
        }
    }

    static void assertHoldsExactly(EventStore store, List<RecordedEvent> expected) {
        List<RecordedEvent> all = StoreAudit.verify(store, List.of()).all();
        assertThat(all).as("events after recovery").hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            if (!expected.get(i).equals(all.get(i))) {
                throw new AssertionError("position " + i + " holds " + all.get(i) + " instead of " + expected.get(i));
            }
        }
    }

    static List<RecordedEvent> withoutLastBatch(List<RecordedEvent> events) {
        CrashBatch last = CrashBatch.of(events.getLast());
        return events.subList(0, events.size() - last.size());
    }

    @Nested
    class TornTail {

        /** Ways a crash can leave the end of the last segment. */
        enum Tear {
            CUT_INSIDE_THE_LAST_RECORDS_LENGTH_FIELD(true, (segment, last) -> LogFiles.truncate(segment, last.offset() + 2)),
            CUT_INSIDE_THE_LAST_RECORDS_HEADER(true, (segment, last) -> LogFiles.truncate(segment, last.offset() + 30)),
            CUT_INSIDE_THE_LAST_RECORDS_BODY(true,
                    (segment, last) -> LogFiles.truncate(segment, last.offset() + last.length() / 2 + 1)),
            CUT_BETWEEN_RECORDS_OF_THE_LAST_BATCH(true, (segment, last) -> LogFiles.truncate(segment, last.offset())),
            LAST_RECORD_FAILS_ITS_CHECKSUM(true, (segment, last) -> LogFiles.flipByte(segment, last.metadataOffset())),
            ZEROS_AFTER_THE_LAST_RECORD(false, (segment, last) -> LogFiles.append(segment, new byte[8192])),
            GARBAGE_AFTER_THE_LAST_RECORD(false, (segment, last) -> {
                byte[] garbage = new byte[5000];
                new Random(5).nextBytes(garbage);
                LogFiles.append(segment, garbage);
            }),
            A_FULL_COPY_OF_THE_LAST_RECORD_AFTER_IT(false, (segment, last) -> {
                byte[] bytes = LogFiles.read(segment);
                LogFiles.append(segment, Arrays.copyOfRange(bytes, (int) last.offset(), (int) last.end()));
            }),
            A_PARTIAL_COPY_OF_A_RECORD_AFTER_THE_LAST_RECORD(false, (segment, last) -> {
                byte[] bytes = LogFiles.read(segment);
                LogFiles.append(segment, Arrays.copyOfRange(bytes, (int) last.offset(),
                        (int) (last.offset() + last.length() - 1)));
            });

            final boolean losesTheLastBatch;
            final BiConsumer<Path, LogFiles.Record> damage;

            Tear(boolean losesTheLastBatch, BiConsumer<Path, LogFiles.Record> damage) {
                this.losesTheLastBatch = losesTheLastBatch;
                this.damage = damage;
            }
        }

        @ParameterizedTest
        @EnumSource(Tear.class)
        void tornTail_isTruncatedOnOpen_andAppendingContinuesGaplessly(Tear tear) {
            // given a closed store spanning several segments, whose last batch has 3 events
            List<RecordedEvent> before = createStore(2_500_000);
            assertThat(LogFiles.segments(dir)).hasSizeGreaterThan(1);
            Path segment = LogFiles.lastSegment(dir);
            LogFiles.Record last = LogFiles.records(segment).getLast();
            // a torn tail was never acknowledged, so no checkpoint can cover it (checkpoints cover only
            // forced, acknowledged log): the checkpoint written at close goes, as a crash would not write it
            deleteCheckpoint();

            // when the tail is torn
            tear.damage.accept(segment, last);

            // then recovery keeps everything before the torn batch, and the batch wholly or not at all
            List<RecordedEvent> expected = tear.losesTheLastBatch ? withoutLastBatch(before) : before;
            try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
                assertHoldsExactly(store, expected);
            }
            // and the torn bytes are gone from the file, not just skipped
            assertThat(LogFiles.records(segment).getLast().position()).isEqualTo(expected.getLast().position());
            assertHoldsExactlyAndAppendsGaplessly(expected);
        }

        @Test
        void tornTail_afterAValidIndexCheckpoint_isTruncatedToo() {
            // given a checkpoint that covers the first part of the log, and more events after it
            List<RecordedEvent> before;
            byte[] olderCheckpoint;
            try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
                fill(store, 1, 1_500_000);
            }
            olderCheckpoint = LogFiles.read(LogFiles.checkpoint(dir));
            try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
                fill(store, 2, 300_000);
                before = StoreAudit.readEverything(store);
            }
            LogFiles.write(LogFiles.checkpoint(dir), olderCheckpoint);
            assertThat(LogFiles.checkpointEnd(dir)).isLessThan(LogFiles.allRecords(dir).getLast().offset()
                    + LogFiles.base(LogFiles.lastSegment(dir)));

            // when the tail is torn
            Path segment = LogFiles.lastSegment(dir);
            LogFiles.Record last = LogFiles.records(segment).getLast();
            LogFiles.truncate(segment, last.offset() + last.length() - 7);

            // then
            assertHoldsExactlyAndAppendsGaplessly(withoutLastBatch(before));
        }
    }

    @Nested
    class LargeRecords {

        /** A store whose events include some larger than 1 MiB (the engine's read chunk), closed, without a checkpoint. */
        private List<RecordedEvent> createStoreWithLargeEvents() {
            List<RecordedEvent> events;
            try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
                fill(store, 1, 300_000);
                appendLarge(store, "large-1", 3 * 1024 * 1024, 1);
                fill(store, 2, 300_000);
                appendLarge(store, "large-1", 1024 * 1024 + 7, 2);
                appendLarge(store, "large-2", 2 * 1024 * 1024, 3);
                events = StoreAudit.readEverything(store);
            }
            deleteCheckpoint();
            return events;
        }

        private static void appendLarge(EventStore store, String stream, int size, int seed) {
            byte[] data = new byte[size];
            new Random(seed).nextBytes(data);
            store.append(stream, ExpectedVersion.any(), List.of(new eventshop.eventstore.EventData(
                    new java.util.UUID(seed, seed), "Large", data, eventshop.eventstore.Metadata.EMPTY)));
        }

        @Test
        void eventsLargerThanTheReadChunk_areRecoveredByAFullScan() {
            List<RecordedEvent> before = createStoreWithLargeEvents();

            assertHoldsExactlyAndAppendsGaplessly(before);
        }

        @Test
        void tornTailInsideALargeRecord_isTruncated() {
            List<RecordedEvent> before = createStoreWithLargeEvents();
            Path segment = LogFiles.lastSegment(dir);
            LogFiles.Record last = LogFiles.records(segment).getLast();
            assertThat(last.length()).isGreaterThan(2 * 1024 * 1024);

            LogFiles.truncate(segment, last.offset() + last.length() - 1024 * 1024 - 5);

            assertHoldsExactlyAndAppendsGaplessly(before.subList(0, before.size() - 1));
        }

        @Test
        void flippedByteInALargeRecordFollowedByValidRecords_refusesToOpen() {
            createStoreWithLargeEvents();
            LogFiles.Record large = LogFiles.allRecords(dir).stream()
                    .filter(record -> record.length() > 3 * 1024 * 1024).findFirst().orElseThrow();

            LogFiles.flipByte(large.segment(), large.dataOffset() + 2 * 1024 * 1024);

            new Corruption().assertRefusesToOpenAndLeavesTheLogAlone(true);
        }
    }

    @Nested
    class Corruption {

        /** Fields of a record to damage. */
        enum Field {
            LENGTH_HIGH_BYTE(record -> record.offset()),
            LENGTH_LOW_BYTE(record -> record.offset() + 3),
            CHECKSUM(record -> record.offset() + 5),
            POSITION(record -> record.offset() + 15),
            VERSION(record -> record.offset() + 23),
            EVENT_ID(record -> record.offset() + 30),
            FLAGS(record -> record.offset() + 40),
            STREAM_ID(record -> record.offset() + LogFiles.HEADER),
            TYPE(LogFiles.Record::typeOffset),
            METADATA(LogFiles.Record::metadataOffset),
            DATA(record -> record.dataOffset() + record.dataLength() / 2);

            final java.util.function.ToLongFunction<LogFiles.Record> offset;

            Field(java.util.function.ToLongFunction<LogFiles.Record> offset) {
                this.offset = offset;
            }
        }

        @ParameterizedTest
        @EnumSource(Field.class)
        void flippedByte_inARecordFollowedByValidRecords_refusesToOpen(Field field) {
            // given a closed store without an index checkpoint, so that opening verifies the whole log
            createStore(2_500_000);
            deleteCheckpoint();
            Path segment = LogFiles.lastSegment(dir);
            List<LogFiles.Record> records = LogFiles.records(segment);
            LogFiles.Record victim = records.stream().skip(records.size() / 2)
                    .filter(record -> record.dataLength() > 0).findFirst().orElseThrow();

            // when one byte of a record in the middle of the last segment flips
            LogFiles.flipByte(segment, field.offset.applyAsLong(victim));

            // then the store refuses to open, every time, and leaves the log as it is
            assertRefusesToOpenAndLeavesTheLogAlone();
        }

        @Test
        void recordWithAValidChecksumButAVersionOutOfOrder_refusesToOpen() {
            createStore(2_500_000);
            deleteCheckpoint();
            Path segment = LogFiles.segments(dir).getFirst();
            LogFiles.Record victim = LogFiles.records(segment).get(10);

            rewriteAndReseal(victim, 16, victim.version() + 1);

            // open files not checked: this refusal leaves the segment channels to the garbage collector
            assertRefusesToOpenAndLeavesTheLogAlone(false);
        }

        @Test
        void recordWithAValidChecksumButAPositionOutOfOrder_refusesToOpen() {
            createStore(2_500_000);
            deleteCheckpoint();
            Path segment = LogFiles.lastSegment(dir);
            List<LogFiles.Record> records = LogFiles.records(segment);
            LogFiles.Record victim = records.get(records.size() / 2);

            rewriteAndReseal(victim, 8, victim.position() + 1);

            assertRefusesToOpenAndLeavesTheLogAlone();
        }

        /** Overwrites a long field of a record and recomputes its checksum, as a bug (not bit rot) would. */
        static void rewriteAndReseal(LogFiles.Record record, int fieldOffset, long value) {
            byte[] bytes = LogFiles.read(record.segment());
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            buffer.putLong((int) record.offset() + fieldOffset, value);
            CRC32C crc = new CRC32C();
            crc.update(bytes, (int) record.offset() + 8, record.length() - 8);
            buffer.putInt((int) record.offset() + 4, (int) crc.getValue());
            LogFiles.write(record.segment(), bytes);
        }

        @Test
        void flippedByte_inTheLastRecordOfASealedSegment_refusesToOpen_ratherThanTruncating() {
            createStore(2_500_000);
            deleteCheckpoint();
            Path sealed = LogFiles.segments(dir).getFirst();
            LogFiles.Record last = LogFiles.records(sealed).getLast();

            LogFiles.flipByte(sealed, last.metadataOffset());

            assertRefusesToOpenAndLeavesTheLogAlone();
        }

        @Test
        void sealedSegmentMissingItsLastRecord_refusesToOpen() {
            createStore(2_500_000);
            Path sealed = LogFiles.segments(dir).getFirst();
            LogFiles.truncate(sealed, LogFiles.records(sealed).getLast().offset());

            assertRefusesToOpenAndLeavesTheLogAlone();
        }

        @Test
        void missingSegmentInTheMiddle_refusesToOpen() throws Exception {
            createStore(3_500_000);
            List<Path> segments = LogFiles.segments(dir);
            assertThat(segments).hasSizeGreaterThan(2);
            Files.delete(segments.get(1));

            assertRefusesToOpenAndLeavesTheLogAlone();
        }

        private void assertRefusesToOpenAndLeavesTheLogAlone() {
            assertRefusesToOpenAndLeavesTheLogAlone(true);
        }

        /**
         * Opening fails with {@link CorruptStoreException}, again on a second try (so the first one
         * released the lock and healed nothing), without changing the segments, and (if asked, and
         * where the OS lets a process list its open files) without leaving any file of the store open.
         */
        void assertRefusesToOpenAndLeavesTheLogAlone(boolean noFilesLeftOpen) {
            List<byte[]> damaged = LogFiles.segments(dir).stream().map(LogFiles::read).toList();
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> FileEventStore.open(dir, OPTIONS).close())
                        .as("open attempt %d", attempt)
                        .isInstanceOf(CorruptStoreException.class);
            }
            if (noFilesLeftOpen && LogFiles.canListOpenFiles()) {
                assertThat(LogFiles.openFilesUnder(dir)).as("files of the store left open by refused opens").isEmpty();
            }
            List<byte[]> after = LogFiles.segments(dir).stream().map(LogFiles::read).toList();
            assertThat(after).as("segments after refused opens").hasSameSizeAs(damaged);
            for (int i = 0; i < after.size(); i++) {
                assertThat(Arrays.equals(after.get(i), damaged.get(i))).as("segment %d unchanged", i).isTrue();
            }
        }
    }

    @Nested
    class IndexCheckpoint {

        /** Ways the checkpoint file can be damaged or stale. */
        enum Damage {
            FLIPPED_MAGIC(file -> LogFiles.flipByte(file, 0)),
            FLIPPED_END_ADDRESS(file -> LogFiles.flipByte(file, 14)),
            FLIPPED_BYTE_IN_THE_MIDDLE(file -> LogFiles.flipByte(file, LogFiles.size(file) / 2)),
            FLIPPED_CHECKSUM(file -> LogFiles.flipByte(file, LogFiles.size(file) - 1)),
            TRUNCATED_TO_HALF(file -> LogFiles.truncate(file, LogFiles.size(file) / 2)),
            EMPTY(file -> LogFiles.truncate(file, 0)),
            RANDOM_BYTES(file -> {
                byte[] garbage = new byte[(int) LogFiles.size(file)];
                new Random(3).nextBytes(garbage);
                LogFiles.write(file, garbage);
            });

            final java.util.function.Consumer<Path> damage;

            Damage(java.util.function.Consumer<Path> damage) {
                this.damage = damage;
            }
        }

        @ParameterizedTest
        @EnumSource(Damage.class)
        void damagedCheckpoint_isIgnored_andTheIndexRebuiltFromTheLog(Damage damage) {
            // given
            List<RecordedEvent> before = createStore(2_500_000);
            assertThat(LogFiles.checkpoint(dir)).exists();

            // when
            damage.damage.accept(LogFiles.checkpoint(dir));

            // then
            assertOpensWithTheSameIndex(before);
            assertHoldsExactlyAndAppendsGaplessly(before);
            assertThat(LogFiles.checkpointHead(dir)).as("head in the checkpoint rewritten at close")
                    .isEqualTo(before.size() + 1);
        }

        @Test
        void checkpointOfAnotherStore_isIgnored() {
            Path other = dir.resolveSibling(dir.getFileName() + "-other");
            try (EventStore store = FileEventStore.open(other, OPTIONS)) {
                fill(store, 77, 2_000_000);
            }
            List<RecordedEvent> before = createStore(2_500_000);
            LogFiles.write(LogFiles.checkpoint(dir), LogFiles.read(LogFiles.checkpoint(other)));

            assertOpensWithTheSameIndex(before);
            assertHoldsExactlyAndAppendsGaplessly(before);
        }

        @Test
        void olderValidCheckpoint_plusTheEventsAppendedAfterIt_giveTheFullContent() {
            // given a checkpoint taken at a first close, and more events appended after it
            long firstHead;
            try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
                fill(store, 1, 1_500_000);
                firstHead = store.headPosition();
            }
            byte[] olderCheckpoint = LogFiles.read(LogFiles.checkpoint(dir));
            List<RecordedEvent> before;
            try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
                fill(store, 2, 1_500_000);
                before = StoreAudit.readEverything(store);
            }

            // when the newer checkpoint is replaced by the older one
            LogFiles.write(LogFiles.checkpoint(dir), olderCheckpoint);
            assertThat(LogFiles.checkpointHead(dir)).isEqualTo(firstHead).isLessThan(before.size() - 500L);

            // then
            assertOpensWithTheSameIndex(before);
            assertHoldsExactlyAndAppendsGaplessly(before);
        }

        @Test
        void checkpointWrittenWhileOpen_plusLaterEvents_surviveACrash() {
            // given a store that checkpointed once while open (after 1 MiB) and took about 0.5 MiB more
            // after the checkpoint was on disk, copied while open, as a crash would leave it (the checkpoint
            // is written on its own thread, as of the log's end when it runs: the later appends wait for it,
            // or a slow machine would let it cover everything)
            Path crashed = dir.resolveSibling(dir.getFileName() + "-crashed");
            FileEventStoreOptions options = OPTIONS.withIndexCheckpointBytes(1024 * 1024);
            List<RecordedEvent> before;
            try (EventStore store = FileEventStore.open(dir, options)) {
                fill(store, 1, 1_100_000);
                await().atMost(TIMEOUT).until(() -> Files.exists(LogFiles.checkpoint(dir)));
                fill(store, 2, 500_000);
                append(store, STREAMS.get(1), 2, 5);
                append(store, STREAMS.get(2), 1, 6);
                before = StoreAudit.readEverything(store);
                LogFiles.copyDirectory(dir, crashed);
            }
            assertThat(LogFiles.checkpointHead(crashed)).as("the copied checkpoint covers part of the log")
                    .isBetween(0L, before.size() - 100L);

            // when the copy is opened, then it holds everything
            try (EventStore store = FileEventStore.open(crashed, options)) {
                assertHoldsExactly(store, before);
                assertThat(append(store, STREAMS.get(1), 1, 7).first()).isEqualTo(before.stream()
                        .filter(event -> event.streamId().equals(STREAMS.get(1))).count());
            }
        }

        /** Opens and checks that the rebuilt index answers like the original: versions, reads, retries, conflicts. */
        private void assertOpensWithTheSameIndex(List<RecordedEvent> before) {
            try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
                assertHoldsExactly(store, before);
                // a retry of the last batch is recognised (the event ids were indexed) ...
                CrashBatch last = CrashBatch.of(before.getLast());
                AppendResult retry = store.append(last.stream(), ExpectedVersion.exactly(last.first() - 1), last.events());
                assertThat(retry).isEqualTo(new AppendResult(last.last(), before.getLast().position()));
                assertThat(store.headPosition()).isEqualTo(before.getLast().position());
                // ... and a stale writer is refused
                assertThatThrownBy(() -> store.append(last.stream(), ExpectedVersion.exactly(last.first() - 1),
                        new CrashBatch(last.stream(), last.first(), 1, 12345).events()))
                        .isInstanceOf(eventshop.eventstore.WrongExpectedVersion.class);
            }
        }
    }

    @Nested
    class ReadVerification {

        /** Parts of a record to damage where only the checkpoint covers it. */
        enum Field {
            DATA(record -> record.dataOffset() + record.dataLength() / 2),
            METADATA(record -> record.metadataOffset() + 2),
            TYPE(LogFiles.Record::typeOffset),
            EVENT_ID(record -> record.offset() + 24),
            VERSION(record -> record.offset() + 23),
            CHECKSUM(record -> record.offset() + 7);

            final java.util.function.ToLongFunction<LogFiles.Record> offset;

            Field(java.util.function.ToLongFunction<LogFiles.Record> offset) {
                this.offset = offset;
            }
        }

        @ParameterizedTest
        @EnumSource(Field.class)
        void recordDamagedWhereTheCheckpointCoversIt_isRefusedWhenRead(Field field) {
            // given a closed store whose checkpoint covers the whole log
            List<RecordedEvent> before = createStore(2_500_000);
            Path sealed = LogFiles.segments(dir).getFirst();
            List<LogFiles.Record> records = LogFiles.records(sealed);
            LogFiles.Record victim = records.stream().skip(records.size() / 2)
                    .filter(record -> record.dataLength() > 0).findFirst().orElseThrow();
            RecordedEvent damaged = before.get((int) victim.position());
            assertThat(LogFiles.checkpointEnd(dir)).isGreaterThanOrEqualTo(LogFiles.base(sealed) + victim.end());

            // when one of its bytes flips
            LogFiles.flipByte(sealed, field.offset.applyAsLong(victim));

            // then the store opens (the checkpoint vouches for that part of the log) but never serves the record
            try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
                List<RecordedEvent> ofStream = before.stream()
                        .filter(event -> event.streamId().equals(damaged.streamId())).toList();
                assertServesAtMostAPrefixThenFails(store.read(damaged.streamId(), 0),
                        ofStream.subList(0, (int) damaged.version()));
                assertServesAtMostAPrefixThenFails(store.read(damaged.streamId(), damaged.version()), List.of());
                assertServesAtMostAPrefixThenFails(store.readAll(0, before.size()),
                        before.subList(0, (int) damaged.position()));
                assertServesAtMostAPrefixThenFails(store.readAll(damaged.position(), 1), List.of());
                assertServesAtMostAPrefixThenFails(store.subscribe(0), before.subList(0, (int) damaged.position()));
                // the other streams are intact
                STREAMS.stream().filter(stream -> !stream.equals(damaged.streamId())).forEach(stream ->
                        assertThat(store.read(stream, 0).collectList().block(TIMEOUT))
                                .isEqualTo(before.stream().filter(event -> event.streamId().equals(stream)).toList()));
            }
        }
    }

    /** The flux emits some (maybe none) of the events before the damaged one, in order, then fails; it never skips. */
    static void assertServesAtMostAPrefixThenFails(reactor.core.publisher.Flux<RecordedEvent> flux,
                                                   List<RecordedEvent> before) {
        List<RecordedEvent> served = new ArrayList<>();
        StepVerifier.create(flux.doOnNext(served::add))
                .thenConsumeWhile(event -> true)
                .expectError(CorruptStoreException.class)
                .verify(TIMEOUT);
        assertThat(served).as("events served before the error").hasSizeLessThanOrEqualTo(before.size());
        assertThat(served).isEqualTo(before.subList(0, served.size()));
    }

    @Nested
    class Layout {

        @Test
        void filesOnDisk_matchTheDocumentedFormat() {
            // given
            List<RecordedEvent> events = createStore(2_500_000);

            // then the segments tile the log: each one's base is where the one before ends
            List<Path> segments = LogFiles.segments(dir);
            long expectedBase = 0;
            for (Path segment : segments) {
                assertThat(LogFiles.base(segment)).as("base of %s", segment).isEqualTo(expectedBase);
                expectedBase += LogFiles.size(segment);
            }

            // and every record is framed, checksummed and filled in as documented, batch ends flagged
            List<LogFiles.Record> records = LogFiles.allRecords(dir);
            assertThat(records).hasSameSizeAs(events);
            CRC32C crc = new CRC32C();
            for (int i = 0; i < records.size(); i++) {
                LogFiles.Record record = records.get(i);
                RecordedEvent event = events.get(i);
                byte[] bytes = Arrays.copyOfRange(LogFiles.read(record.segment()), (int) record.offset(),
                        (int) record.end());
                crc.reset();
                crc.update(bytes, 8, bytes.length - 8);
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                assertThat((int) crc.getValue()).as("CRC32C of record %d", i).isEqualTo(record.crc());
                assertThat(record.position()).isEqualTo(i);
                assertThat(record.version()).isEqualTo(event.version());
                assertThat(new java.util.UUID(buffer.getLong(24), buffer.getLong(32))).isEqualTo(event.eventId());
                CrashBatch batch = CrashBatch.of(event);
                assertThat(record.endOfBatch()).as("batch-end flag of record %d", i).isEqualTo(event.version() == batch.last());
                int at = LogFiles.HEADER;
                assertThat(new String(bytes, at, record.streamLength(), StandardCharsets.UTF_8)).isEqualTo(event.streamId());
                at += record.streamLength();
                assertThat(new String(bytes, at, record.typeLength(), StandardCharsets.UTF_8)).isEqualTo(event.type());
                at += record.typeLength();
                ByteBuffer metadata = ByteBuffer.wrap(bytes, at, record.metadataLength());
                assertThat(metadata.getLong()).isEqualTo(event.metadata().timestamp().getEpochSecond());
                assertThat(metadata.getInt()).isEqualTo(event.metadata().timestamp().getNano());
                assertThat(metadata.getInt()).isEqualTo(event.metadata().schemaVersion());
                at += record.metadataLength();
                assertThat(Arrays.copyOfRange(bytes, at, bytes.length)).isEqualTo(event.data());
                if (record.endOfBatch() || i == records.size() - 1) {
                    continue;
                }
                assertThat(records.get(i + 1).segment()).as("record %d's batch continues in the same segment", i)
                        .isEqualTo(record.segment());
            }

            // and the checkpoint written at close covers the whole log
            byte[] checkpoint = LogFiles.read(LogFiles.checkpoint(dir));
            assertThat(new String(checkpoint, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("ESIDX002");
            assertThat(LogFiles.checkpointEnd(dir)).isEqualTo(expectedBase);
            assertThat(LogFiles.checkpointHead(dir)).isEqualTo(events.size() - 1);
        }
    }

    private void deleteCheckpoint() {
        try {
            Files.deleteIfExists(LogFiles.checkpoint(dir));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
