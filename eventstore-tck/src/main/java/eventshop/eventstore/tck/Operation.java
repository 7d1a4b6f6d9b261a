package eventshop.eventstore.tck;

import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import java.util.List;
import java.util.stream.Collectors;

/** One step of a model-based run: a call on the store (or a close and reopen of it). */
sealed interface Operation {

    /** An append; {@code note} only says why it was generated (for example "retry of #4"). */
    record Append(String streamId, ExpectedVersion expected, List<EventData> events, String note) implements Operation {
        @Override
        public String toString() {
            return "append(\"" + streamId + "\", " + expected + ", " + events.stream()
                    .map(Operation::describe).collect(Collectors.joining(", ", "[", "]"))
                    + ")" + (note.isEmpty() ? "" : "  // " + note);
        }
    }

    record Read(String streamId, long fromVersion) implements Operation {
        @Override
        public String toString() {
            return "read(\"" + streamId + "\", " + fromVersion + ")";
        }
    }

    record ReadAll(long fromPosition, int limit) implements Operation {
        @Override
        public String toString() {
            return "readAll(" + fromPosition + ", " + limit + ")";
        }
    }

    record StreamVersion(String streamId) implements Operation {
        @Override
        public String toString() {
            return "streamVersion(\"" + streamId + "\")";
        }
    }

    record HeadPosition() implements Operation {
        @Override
        public String toString() {
            return "headPosition()";
        }
    }

    /** Close the store and open its directory again (persistent engines only). */
    record Reopen() implements Operation {
        @Override
        public String toString() {
            return "close and reopen";
        }
    }

    private static String describe(EventData event) {
        return event.eventId().toString().substring(0, 8) + " " + event.type() + " " + event.data().length + "B";
    }
}
