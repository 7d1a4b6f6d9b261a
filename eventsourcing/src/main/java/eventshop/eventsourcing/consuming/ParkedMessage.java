package eventshop.eventsourcing.consuming;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A message a consumer gave up on, as it sits on a dead-letter topic, and what became of it.
 *
 * @param id               {@code <dead-letter topic>:<partition>:<offset>}, to replay or discard it by
 * @param key              the record key as text (the stream id), or null
 * @param originalTopic    where it was consumed from (and where a replay sends it)
 * @param error            the exception message of the last attempt
 * @param errorType        the exception class of the last attempt
 * @param headers          the original headers (as text), without the dead-letter ones
 * @param payload          the first characters of the payload as text
 * @param payloadBytes     the payload's full size
 * @param parkedAt         when it was parked (the dead-letter record's timestamp)
 * @param status           {@link Status#PENDING} until it is replayed or discarded (each happens at most once,
 *                         and excludes the other)
 * @param replayedAt       when it was replayed, or null
 * @param discardedAt      when it was discarded, or null
 * @param discardReason    why it was discarded, in the operator's words, or null
 * @param handledBy        who replayed or discarded it, or null while pending
 */
public record ParkedMessage(String id, String deadLetterTopic, int partition, long offset, @Nullable String key,
                            @Nullable String originalTopic, int originalPartition, long originalOffset,
                            @Nullable String error, @Nullable String errorType, Map<String, String> headers,
                            String payload, int payloadBytes, Instant parkedAt, Status status,
                            @Nullable Instant replayedAt, @Nullable Instant discardedAt, @Nullable String discardReason,
                            @Nullable String handledBy) {

    /** What became of a parked message. */
    public enum Status {
        /** Neither replayed nor discarded. */
        PENDING,
        /** Sent back to its original topic (once). */
        REPLAYED,
        /** Given up on, with a reason; never replayed. */
        DISCARDED
    }
}
