package eventshop.eventstore.engine;

import eventshop.eventstore.RecordedEvent;
import java.util.UUID;

/**
 * What {@link AppendCheck} needs to know about one stream as the writer sees it (including events
 * accepted but perhaps not yet durable). Used only from the engine's single writer.
 */
public interface StreamView {

    /** The stream's current version, or -1 if it has no events. */
    long version();

    /** The version at which this stream holds {@code eventId}, or -1 if it holds no such event. */
    long versionOf(UUID eventId);

    /** The stored event at {@code version} (0 ≤ version ≤ {@link #version()}). */
    RecordedEvent eventAt(long version);

    /** Whether the event at {@code version} was the last of the batch it was appended in. */
    boolean endsBatch(long version);
}
