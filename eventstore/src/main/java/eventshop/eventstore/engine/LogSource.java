package eventshop.eventstore.engine;

import eventshop.eventstore.RecordedEvent;
import java.util.List;

/** The part of an engine a {@link CatchUpSubscription} reads from. */
public interface LogSource {

    /** The position of the last event readers may see, or -1 if none. */
    long visibleHead();

    /**
     * Up to {@code max} events from {@code fromPosition} on, all at or below {@link #visibleHead()};
     * blocking, bounded by {@code max}.
     */
    List<RecordedEvent> readBatch(long fromPosition, int max);

    /** Whether the source is closed; subscriptions complete when it is and they are caught up. */
    boolean isClosed();
}
