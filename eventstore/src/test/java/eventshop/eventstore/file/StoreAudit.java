package eventshop.eventstore.file;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a whole store and checks the invariants a crash must not break: positions gapless from 0
 * to the head, each stream's versions gapless from 0, every {@link CrashBatch} event holding exactly
 * the content its batch generates, every batch stored wholly (never in part) at consecutive
 * positions, and every acknowledged batch stored at the position its ack reported.
 */
final class StoreAudit {

    private static final int PAGE = 5_000;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    /** Every event of the store in position order, by stream. */
    record Content(List<RecordedEvent> all, Map<String, List<RecordedEvent>> streams) {

        long head() {
            return all.size() - 1;
        }
    }

    private StoreAudit() {
    }

    /** Reads every event with {@code readAll}, checking that positions run gaplessly from 0 to the head. */
    static List<RecordedEvent> readEverything(EventStore store) {
        long head = store.headPosition();
        List<RecordedEvent> all = new ArrayList<>();
        while (all.size() <= head) {
            List<RecordedEvent> page = store.readAll(all.size(), PAGE).collectList().block(READ_TIMEOUT);
            assertThat(page).as("readAll(%d) with head %d", all.size(), head).isNotEmpty();
            for (RecordedEvent event : page) {
                if (event.position() != all.size()) {
                    throw new AssertionError("position gap or disorder: expected position " + all.size()
                            + " but read " + event + " (head " + head + ")");
                }
                all.add(event);
            }
        }
        assertThat(all).as("events up to the head").hasSize((int) (head + 1));
        assertThat(store.readAll(head + 1, 10).collectList().block(READ_TIMEOUT))
                .as("readAll past the head %d", head).isEmpty();
        return all;
    }

    /**
     * Checks the invariants named in the class comment, and that {@code read} of each stream agrees
     * with {@code readAll}. Events without a crash-batch header are checked for gaplessness only.
     */
    static Content verify(EventStore store, Collection<CrashAck> acks) {
        List<RecordedEvent> all = readEverything(store);
        Map<String, List<RecordedEvent>> streams = new LinkedHashMap<>();
        for (RecordedEvent event : all) {
            List<RecordedEvent> stream = streams.computeIfAbsent(event.streamId(), id -> new ArrayList<>());
            if (event.version() != stream.size()) {
                throw new AssertionError("stream '" + event.streamId() + "' version gap or disorder: expected version "
                        + stream.size() + " but read " + event);
            }
            stream.add(event);
        }
        streams.forEach((id, events) -> {
            assertThat(store.streamVersion(id)).as("streamVersion('%s')", id).isEqualTo(events.size() - 1);
            List<RecordedEvent> read = store.read(id, 0).collectList().block(READ_TIMEOUT);
            if (!events.equals(read)) {
                throw new AssertionError("read('" + id + "', 0) disagrees with readAll: " + read.size()
                        + " events vs " + events.size() + firstDifference(events, read));
            }
        });
        streams.values().forEach(StoreAudit::checkBatches);
        for (CrashAck ack : acks) {
            CrashBatch batch = ack.batch();
            List<RecordedEvent> stream = streams.getOrDefault(batch.stream(), List.of());
            if (stream.size() <= batch.last()) {
                throw new AssertionError("acknowledged " + ack.line() + " is lost: stream '" + batch.stream()
                        + "' has only " + stream.size() + " events (head " + (all.size() - 1) + ")");
            }
            List<RecordedEvent> stored = stream.subList((int) batch.first(), (int) batch.last() + 1);
            for (RecordedEvent event : stored) {
                if (!batch.equals(CrashBatch.of(event))) {
                    throw new AssertionError("acknowledged " + ack.line() + " is lost: " + event + " belongs to "
                            + CrashBatch.of(event));
                }
            }
            assertThat(ack.streamVersion()).as("stream version acknowledged by %s", ack.line()).isEqualTo(batch.last());
            assertThat(stored.getLast().position()).as("position of the last event of %s", ack.line())
                    .isEqualTo(ack.lastPosition());
            assertThat(CrashBatch.hash(stored)).as("digest of %s as stored", ack.line()).isEqualTo(ack.hash());
        }
        return new Content(all, streams);
    }

    /** Walks a stream batch by batch: each batch starts where the one before ended and is stored wholly. */
    private static void checkBatches(List<RecordedEvent> stream) {
        int version = 0;
        while (version < stream.size()) {
            RecordedEvent event = stream.get(version);
            CrashBatch batch = CrashBatch.of(event);
            if (batch == null) {
                version++;
                continue;
            }
            if (batch.first() != version) {
                throw new AssertionError("batch boundaries broken: " + event + " claims " + batch
                        + " but the batch before ends at version " + (version - 1));
            }
            checkBatch(batch, stream, "batch of stored event " + event);
            version = (int) batch.last() + 1;
        }
    }

    private static void checkBatch(CrashBatch batch, List<RecordedEvent> stream, String what) {
        if (stream.size() <= batch.last()) {
            throw new AssertionError(what + " is stored only in part: " + batch + " but the stream has "
                    + stream.size() + " events");
        }
        List<EventData> expected = batch.events();
        long firstPosition = stream.get((int) batch.first()).position();
        for (int i = 0; i < batch.size(); i++) {
            RecordedEvent stored = stream.get((int) batch.first() + i);
            if (!expected.get(i).sameContentAs(stored)) {
                throw new AssertionError(what + ": stored " + stored + " differs from the generated " + expected.get(i)
                        + " (metadata " + stored.metadata() + " vs " + expected.get(i).metadata() + ")");
            }
            if (stored.position() != firstPosition + i) {
                throw new AssertionError(what + ": batch not at consecutive positions, " + stored
                        + " should be at position " + (firstPosition + i));
            }
        }
    }

    private static String firstDifference(List<RecordedEvent> expected, List<RecordedEvent> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                return "; first difference at index " + i + ": " + expected.get(i) + " vs " + actual.get(i);
            }
        }
        return "";
    }
}
