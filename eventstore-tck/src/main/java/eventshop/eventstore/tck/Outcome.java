package eventshop.eventstore.tck;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.DuplicateEventId;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.WrongExpectedVersion;
import java.util.List;
import java.util.stream.Collectors;

/** What one {@link Operation} answered: a result or a typed error, compared by value. */
sealed interface Outcome {

    record Appended(AppendResult result) implements Outcome {
    }

    record WrongVersion(String streamId, long actualVersion) implements Outcome {
    }

    record Duplicate(String streamId) implements Outcome {
    }

    record Invalid() implements Outcome {
    }

    record Events(List<RecordedEvent> events) implements Outcome {
        @Override
        public String toString() {
            return events.stream().map(e -> e.streamId() + "@" + e.version() + "#" + e.position())
                    .collect(Collectors.joining(", ", "Events[", "]"));
        }
    }

    record Value(long value) implements Outcome {
    }

    record Reopened() implements Outcome {
    }

    /** Anything else the store threw; never equal to what the model expects. */
    record Unexpected(Throwable error) implements Outcome {
        @Override
        public boolean equals(Object other) {
            return false;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** Classifies an error the store raised. */
    static Outcome of(Throwable error) {
        return switch (error) {
            case WrongExpectedVersion e -> new WrongVersion(e.streamId(), e.actualVersion());
            case DuplicateEventId e -> new Duplicate(e.streamId());
            case InvalidRequest e -> new Invalid();
            default -> new Unexpected(error);
        };
    }
}
