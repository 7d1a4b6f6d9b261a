package eventshop.eventstore.tck;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Limits;
import eventshop.eventstore.RecordedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The event store contract as plain lists: what a store must answer to each {@link Operation}.
 * Deliberately naive (it remembers every batch and searches lists), so it is easy to check by eye.
 *
 * <p>Where the contract leaves a choice open, {@link #apply} answers every acceptable outcome; all
 * of them leave the store in the same state. Two such choices exist:
 * <ul>
 *   <li>a batch that breaks two rules (an event id conflict and a wrong expected version) may fail
 *       with either error;</li>
 *   <li>an exact retry whose expected version could not have held where the batch landed (say
 *       {@code exactly(7)} for a batch stored at version 3) may be answered as the no-op retry or
 *       as a wrong expected version.</li>
 * </ul>
 */
final class StoreModel {

    /** A batch as it was stored: its events and where it landed. */
    private record StoredBatch(List<EventData> events, long firstVersion, AppendResult result) {
    }

    private final List<RecordedEvent> log = new ArrayList<>();
    private final Map<String, List<RecordedEvent>> streams = new HashMap<>();
    private final Map<String, List<StoredBatch>> batches = new HashMap<>();

    /** The acceptable outcomes of {@code operation}, after which the model holds the store's new state. */
    List<Outcome> apply(Operation operation) {
        return switch (operation) {
            case Operation.Append append -> append(append);
            case Operation.Read read -> read(read);
            case Operation.ReadAll readAll -> readAll(readAll);
            case Operation.StreamVersion streamVersion -> List.of(new Outcome.Value(version(streamVersion.streamId())));
            case Operation.HeadPosition headPosition -> List.of(new Outcome.Value(log.size() - 1));
            case Operation.Reopen reopen -> List.of(new Outcome.Reopened());
        };
    }

    long version(String streamId) {
        return stream(streamId).size() - 1;
    }

    long headPosition() {
        return log.size() - 1;
    }

    /** The version the whole of {@code events} was stored at as one batch, if it was. */
    Optional<Long> firstVersionOf(String streamId, List<EventData> events) {
        return storedBatch(streamId, events).map(StoredBatch::firstVersion);
    }

    /** The events stored in a stream, as they were appended. */
    List<EventData> storedEvents(String streamId) {
        return stream(streamId).stream()
                .map(e -> new EventData(e.eventId(), e.type(), e.data(), e.metadata()))
                .toList();
    }

    private List<Outcome> append(Operation.Append append) {
        String streamId = append.streamId();
        List<EventData> events = append.events();
        if (events.isEmpty()) {
            return List.of(new Outcome.Invalid());
        }
        long current = version(streamId);
        List<Outcome> wrongVersion = append.expected().matches(current)
                ? List.of() : List.of(new Outcome.WrongVersion(streamId, current));
        boolean reusesAnId = events.stream().anyMatch(event -> holds(streamId, event.eventId()));
        if (reusesAnId) {
            Optional<StoredBatch> original = storedBatch(streamId, events);
            if (original.isEmpty() || !original.get().events().equals(events)) {
                return plus(new Outcome.Duplicate(streamId), wrongVersion);
            }
            Outcome noOp = new Outcome.Appended(original.get().result());
            long first = original.get().firstVersion();
            boolean couldHaveHeld = switch (append.expected()) {
                case ExpectedVersion.Any any -> true;
                case ExpectedVersion.NoStream noStream -> first == 0;
                case ExpectedVersion.Exactly exactly -> exactly.version() == first - 1;
            };
            return couldHaveHeld ? List.of(noOp) : List.of(noOp, new Outcome.WrongVersion(streamId, current));
        }
        if (!wrongVersion.isEmpty()) {
            return wrongVersion;
        }
        List<RecordedEvent> stream = streams.computeIfAbsent(streamId, id -> new ArrayList<>());
        for (EventData event : events) {
            RecordedEvent recorded = new RecordedEvent(event.eventId(), streamId, stream.size(), log.size(),
                    event.type(), event.data(), event.metadata());
            stream.add(recorded);
            log.add(recorded);
        }
        AppendResult result = new AppendResult(stream.size() - 1, log.size() - 1);
        batches.computeIfAbsent(streamId, id -> new ArrayList<>())
                .add(new StoredBatch(List.copyOf(events), current + 1, result));
        return List.of(new Outcome.Appended(result));
    }

    private List<Outcome> read(Operation.Read read) {
        if (read.fromVersion() < 0) {
            return List.of(new Outcome.Invalid());
        }
        List<RecordedEvent> stream = stream(read.streamId());
        return List.of(new Outcome.Events(read.fromVersion() >= stream.size()
                ? List.of() : List.copyOf(stream.subList((int) read.fromVersion(), stream.size()))));
    }

    private List<Outcome> readAll(Operation.ReadAll readAll) {
        if (readAll.fromPosition() < 0 || readAll.limit() < 1 || readAll.limit() > Limits.MAX_READ_LIMIT) {
            return List.of(new Outcome.Invalid());
        }
        if (readAll.fromPosition() >= log.size()) {
            return List.of(new Outcome.Events(List.of()));
        }
        int from = (int) readAll.fromPosition();
        int to = (int) Math.min(log.size(), (long) from + readAll.limit());
        return List.of(new Outcome.Events(List.copyOf(log.subList(from, to))));
    }

    private boolean holds(String streamId, UUID eventId) {
        return stream(streamId).stream().anyMatch(event -> event.eventId().equals(eventId));
    }

    /** The stored batch with exactly the ids of {@code events}, in order. */
    private Optional<StoredBatch> storedBatch(String streamId, List<EventData> events) {
        List<UUID> ids = events.stream().map(EventData::eventId).toList();
        return batches.getOrDefault(streamId, List.of()).stream()
                .filter(batch -> batch.events().stream().map(EventData::eventId).toList().equals(ids))
                .findFirst();
    }

    private List<RecordedEvent> stream(String streamId) {
        return streams.getOrDefault(streamId, List.of());
    }

    private static List<Outcome> plus(Outcome first, List<Outcome> more) {
        List<Outcome> all = new ArrayList<>();
        all.add(first);
        all.addAll(more);
        return all;
    }
}
