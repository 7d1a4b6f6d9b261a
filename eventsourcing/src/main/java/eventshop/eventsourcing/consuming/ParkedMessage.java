package eventshop.eventsourcing.consuming;

import java.time.Instant;
import java.util.Map;

/**
 * A message a consumer gave up on, as it sits on a dead-letter topic.
 *
 * @param id               {@code <dead-letter topic>:<partition>:<offset>}, to replay it by
 * @param key              the record key as text (the stream id), or null
 * @param originalTopic    where it was consumed from (and where a replay sends it)
 * @param error            the exception message of the last attempt
 * @param errorType        the exception class of the last attempt
 * @param headers          the original headers (as text), without the dead-letter ones
 * @param payload          the first characters of the payload as text
 * @param payloadBytes     the payload's full size
 * @param parkedAt         when it was parked (the dead-letter record's timestamp)
 * @param replayedAt       when it was last replayed, or null if never
 */
public record ParkedMessage(String id, String deadLetterTopic, int partition, long offset, String key,
                            String originalTopic, int originalPartition, long originalOffset, String error,
                            String errorType, Map<String, String> headers, String payload, int payloadBytes,
                            Instant parkedAt, Instant replayedAt) {
}
