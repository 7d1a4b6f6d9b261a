package eventshop.eventstore.engine;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.DuplicateEventId;
import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.WrongExpectedVersion;
import java.util.List;

/**
 * The rules of an append that every engine shares: the expected version is checked once per
 * batch, and a batch whose event ids the stream already holds is either an exact retry (a no-op
 * answered with the original result) or an error.
 */
public final class AppendCheck {

    private AppendCheck() {
    }

    /**
     * Checks an append against the stream as the writer sees it.
     *
     * @return {@code null} if the batch is to be appended after the stream's current version, or the
     *         original result if the batch is a retry of events already stored
     * @throws WrongExpectedVersion if the expectation does not hold
     * @throws DuplicateEventId     if event ids of the batch are stored with other content or only in part
     */
    public static AppendResult check(String streamId, ExpectedVersion expected, List<EventData> batch,
                                     StreamView stream) {
        long current = stream.version();
        if (current >= 0) {
            long first = stream.versionOf(batch.getFirst().eventId());
            if (first >= 0) {
                return retryOf(streamId, batch, stream, first, current);
            }
            for (int i = 1; i < batch.size(); i++) {
                if (stream.versionOf(batch.get(i).eventId()) >= 0) {
                    throw new DuplicateEventId(streamId, batch.get(i).eventId(),
                            "in another batch; an append may repeat a whole earlier batch, not part of one");
                }
            }
        }
        if (!expected.matches(current)) {
            throw new WrongExpectedVersion(streamId, expected, current);
        }
        return null;
    }

    /**
     * A batch whose first id the stream holds is a retry only if it repeats one earlier batch
     * exactly: same ids, same content, same boundaries. Then it is answered with that batch's
     * result, whatever version it expected (the original append is what counts).
     */
    private static AppendResult retryOf(String streamId, List<EventData> batch, StreamView stream, long first,
                                        long current) {
        if (first > 0 && !stream.endsBatch(first - 1)) {
            throw new DuplicateEventId(streamId, batch.getFirst().eventId(),
                    "in the middle of an earlier batch; repeat the earlier batch exactly");
        }
        RecordedEvent last = null;
        for (int i = 0; i < batch.size(); i++) {
            EventData event = batch.get(i);
            long version = first + i;
            if (version > current) {
                throw new DuplicateEventId(streamId, batch.getFirst().eventId(),
                        "but the batch goes on with events that were not; repeat the earlier batch exactly");
            }
            RecordedEvent stored = stream.eventAt(version);
            if (!stored.eventId().equals(event.eventId())) {
                throw new DuplicateEventId(streamId, event.eventId(),
                        "in a batch of other events; repeat the earlier batch exactly");
            }
            if (!event.sameContentAs(stored)) {
                throw new DuplicateEventId(streamId, event.eventId(), "with different type, data or metadata");
            }
            boolean lastOfRetry = i == batch.size() - 1;
            if (stream.endsBatch(version) != lastOfRetry) {
                throw new DuplicateEventId(streamId, event.eventId(), lastOfRetry
                        ? "in a longer batch; repeat the earlier batch exactly"
                        : "at the end of an earlier batch, but this batch goes on; repeat the earlier batch exactly");
            }
            last = stored;
        }
        return new AppendResult(last.version(), last.position());
    }
}
