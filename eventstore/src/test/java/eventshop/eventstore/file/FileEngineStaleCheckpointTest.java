package eventshop.eventstore.file;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventstore.CorruptStoreException;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.WrongExpectedVersion;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index checkpoint is written only after the log it describes was forced, in every durability
 * mode. So a log shorter than a checkpoint that verifies means acknowledged events went missing
 * (a lost or truncated segment): the store refuses to open instead of starting with fewer events.
 * And a stale checkpoint must never be taken for a description of a log that has since grown
 * again: the checkpoint names its last record by address, position and checksum.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FileEngineStaleCheckpointTest {

    private static final FileEventStoreOptions OPTIONS = FileEventStoreOptions.defaults()
            .withDurability(Durability.NONE).withSegmentBytes(1024 * 1024);

    @TempDir
    Path tmp;

    @Test
    void logShorterThanItsCheckpoint_isRefused_untilTheCheckpointIsRemoved() {
        // given a store of 100 events whose checkpoint covers all of them
        Path dir = tmp.resolve("store");
        try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
            for (int i = 0; i < 100; i++) {
                append(store, "old-" + (i % 10), i);
            }
        }
        List<LogFiles.Record> records = LogFiles.allRecords(dir);
        assertThat(LogFiles.checkpointHead(dir)).isEqualTo(99);

        // when the last 40 records of the log are lost
        LogFiles.truncate(LogFiles.lastSegment(dir), records.get(60).offset());

        // then opening refuses and says what to do
        assertThatThrownBy(() -> FileEventStore.open(dir, OPTIONS))
                .isInstanceOf(CorruptStoreException.class)
                .hasMessageContaining("acknowledged events are missing")
                .hasMessageContaining(IndexCheckpoint.FILE);

        // and once the operator removed the checkpoint, the store opens with what the log holds
        LogFiles.delete(LogFiles.checkpoint(dir));
        try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
            assertThat(store.headPosition()).isEqualTo(59);
            assertThat(store.streamVersion("old-0")).isEqualTo(5);
        }
    }

    @Test
    void checkpointOfAnEarlierLog_isNotTakenForTheLogThatGrewAgain() {
        // given a store of 100 equally sized events and a copy of its checkpoint
        Path dir = tmp.resolve("store");
        try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
            for (int i = 0; i < 100; i++) {
                append(store, "old-" + (i % 10), i);
            }
        }
        List<LogFiles.Record> records = LogFiles.allRecords(dir);
        assertThat(records).extracting(LogFiles.Record::length).containsOnly(records.getFirst().length());
        byte[] stale = LogFiles.read(LogFiles.checkpoint(dir));

        // and a log cut back to 60 records that then took 40 other events of the same size
        LogFiles.truncate(LogFiles.lastSegment(dir), records.get(60).offset());
        LogFiles.delete(LogFiles.checkpoint(dir));
        List<RecordedEvent> before;
        try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
            for (int i = 0; i < 40; i++) {
                append(store, "new-" + (i % 10), 1000 + i);
            }
            before = StoreAudit.readEverything(store);
        }

        // when the stale checkpoint comes back (its last record has the same address and position)
        LogFiles.write(LogFiles.checkpoint(dir), stale);

        // then opening rebuilds the index from the log instead of taking the stale one
        try (EventStore store = FileEventStore.open(dir, OPTIONS)) {
            SoftAssertions.assertSoftly(softly -> {
                softly.assertThat(store.streamVersion("new-0")).as("version of new-0").isEqualTo(3);
                softly.assertThat(store.streamVersion("old-0")).as("version of old-0").isEqualTo(5);
                softly.assertThatThrownBy(() -> store.append("new-0", ExpectedVersion.noStream(),
                                List.of(new EventData(UUID.randomUUID(), "Fixed", new byte[100], Metadata.EMPTY))))
                        .as("creating new-0 again").isInstanceOf(WrongExpectedVersion.class);
                softly.assertThatCode(() -> store.read("old-0", 0).collectList().block())
                        .as("reading old-0").doesNotThrowAnyException();
            });
            assertThat(StoreAudit.readEverything(store).subList(0, before.size())).isEqualTo(before);
        }
    }

    private static void append(EventStore store, String stream, int n) {
        EventData event = new EventData(new UUID(n, n), "Fixed", new byte[100], Metadata.EMPTY);
        store.append(stream, ExpectedVersion.any(), List.of(event));
    }
}
