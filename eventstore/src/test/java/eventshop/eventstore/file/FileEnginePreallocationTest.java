package eventshop.eventstore.file;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active segment is filled with zeros ahead of its last record (issue 19: an fsync then
 * overwrites blocks the file has and commits no new size). The zeros never count as records: a
 * close or a roll cuts them, an open after a crash cuts them without calling them a torn tail, a
 * record torn inside them still is one, and appends go on right after the last record.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FileEnginePreallocationTest {

    private static final long AHEAD = 64 * 1024;

    @TempDir
    Path dir;

    @TempDir
    Path crashed;

    private final Random random = new Random(23);

    private FileEventStoreOptions options() {
        return FileEventStoreOptions.defaults().withSegmentBytes(1024 * 1024).withPreallocateBytes(AHEAD);
    }

    @Test
    void whileOpen_theActiveSegmentEndsInZeros_andCloseCutsThem() {
        List<RecordedEvent> acknowledged;
        try (FileEventStore store = FileEventStore.open(dir, options())) {
            for (int i = 0; i < 10; i++) {
                store.append("a", ExpectedVersion.any(), events(1, 200));
            }
            List<LogFiles.Record> records = LogFiles.records(LogFiles.lastSegment(dir));
            assertThat(records).hasSize(10);
            long end = records.getLast().end();
            assertThat(LogFiles.size(LogFiles.lastSegment(dir))).isGreaterThan(end).isLessThanOrEqualTo(end + AHEAD);
            acknowledged = StoreAudit.readEverything(store);
        }
        assertThat(LogFiles.size(LogFiles.lastSegment(dir)))
                .isEqualTo(LogFiles.records(LogFiles.lastSegment(dir)).getLast().end());
        try (FileEventStore store = FileEventStore.open(dir, options())) {
            assertThat(store.tornTailBytes()).isZero();
            assertThat(StoreAudit.verify(store, List.of()).all()).isEqualTo(acknowledged);
        }
    }

    @Test
    void anOpenAfterACrash_cutsTheZeros_withoutCallingThemATornTail_andAppendsGoOnAfterTheLastRecord() {
        List<RecordedEvent> acknowledged;
        try (FileEventStore store = FileEventStore.open(dir, options())) {
            for (int i = 0; i < 25; i++) {
                store.append("s" + i % 3, ExpectedVersion.any(), events(1 + i % 2, 300));
            }
            acknowledged = StoreAudit.readEverything(store);
            LogFiles.copyDirectory(dir, crashed); // the files as a crash now would leave them, zeros and all
        }
        assertThat(LogFiles.size(LogFiles.lastSegment(crashed))).isGreaterThan(LogFiles.recordBytes(crashed));

        List<RecordedEvent> after;
        try (FileEventStore store = FileEventStore.open(crashed, options())) {
            assertThat(store.tornTailBytes()).isZero();
            assertThat(StoreAudit.verify(store, List.of()).all()).isEqualTo(acknowledged);
            long head = acknowledged.getLast().position();
            assertThat(store.append("s0", ExpectedVersion.any(), events(2, 300)).position()).isEqualTo(head + 2);
            after = StoreAudit.readEverything(store);
        }
        assertThat(LogFiles.allRecords(crashed)).extracting(LogFiles.Record::position)
                .containsExactlyElementsOf(LongStream.range(0, after.size()).boxed().toList());
        try (FileEventStore store = FileEventStore.open(crashed, options())) {
            assertThat(store.tornTailBytes()).isZero();
            assertThat(StoreAudit.verify(store, List.of()).all()).isEqualTo(after);
        }
    }

    @Test
    void aRecordTornInsideTheZeros_isStillATornTail_andIsCut() {
        List<RecordedEvent> acknowledged;
        try (FileEventStore store = FileEventStore.open(dir, options())) {
            for (int i = 0; i < 5; i++) {
                store.append("a", ExpectedVersion.any(), events(1, 200));
            }
            acknowledged = StoreAudit.readEverything(store);
            LogFiles.copyDirectory(dir, crashed);
        }
        // the first part of a record that the crash interrupted, written into the zeros
        Path segment = LogFiles.lastSegment(crashed);
        LogFiles.Record last = LogFiles.records(segment).getLast();
        byte[] bytes = LogFiles.read(segment);
        byte[] torn = new byte[120];
        random.nextBytes(torn);
        torn[0] = 0;
        torn[1] = 0;
        torn[2] = 1;
        torn[3] = 0; // a plausible length: 256 bytes
        System.arraycopy(torn, 0, bytes, (int) last.end(), torn.length);
        LogFiles.write(segment, bytes);

        try (FileEventStore store = FileEventStore.open(crashed, options())) {
            assertThat(store.tornTailBytes()).isGreaterThanOrEqualTo(torn.length);
            assertThat(StoreAudit.verify(store, List.of()).all()).isEqualTo(acknowledged);
            assertThat(store.append("a", ExpectedVersion.exactly(4), events(1, 200))).isEqualTo(new AppendResult(5, 5));
        }
    }

    @Test
    void aSealedSegment_holdsNoZeros_andTheLogRollsAsBefore() {
        List<RecordedEvent> acknowledged;
        try (FileEventStore store = FileEventStore.open(dir, options())) {
            for (int i = 0; i < 300; i++) {
                store.append("a", ExpectedVersion.any(), events(4, 1000));
            }
            acknowledged = StoreAudit.readEverything(store);
            List<Path> segments = LogFiles.segments(dir);
            assertThat(segments).hasSizeGreaterThan(1);
            for (Path sealed : segments.subList(0, segments.size() - 1)) {
                // sealed: the file ends with its last record, and the next segment starts there
                List<LogFiles.Record> records = LogFiles.records(sealed);
                assertThat(LogFiles.size(sealed)).isEqualTo(records.getLast().end());
                assertThat(LogFiles.size(sealed)).isLessThanOrEqualTo(1024 * 1024);
            }
        }
        try (FileEventStore store = FileEventStore.open(dir, options())) {
            assertThat(store.tornTailBytes()).isZero();
            assertThat(StoreAudit.verify(store, List.of()).all()).isEqualTo(acknowledged);
        }
    }

    private List<EventData> events(int count, int bytes) {
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[bytes];
            random.nextBytes(data);
            events.add(new EventData(new UUID(random.nextLong(), random.nextLong()), "Filled", data, Metadata.EMPTY));
        }
        return events;
    }
}
