package eventshop.eventstore.tck;

import static eventshop.eventstore.ExpectedVersion.any;
import static eventshop.eventstore.ExpectedVersion.exactly;
import static eventshop.eventstore.ExpectedVersion.noStream;

import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Limits;
import eventshop.eventstore.Metadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Random operation sequences for the model-based test, drawn from a seed so that a failure can be
 * replayed. It keeps its own {@link StoreModel} to aim expected versions and retries at the state
 * the store will be in: a third of the appends carry a correct {@code exactly(n)}, some a wrong one,
 * and retries repeat earlier batches whole, with the expected version they were stored under.
 *
 * <p>Partial repeats of an earlier batch are left to {@link EventStoreContract}, which tests them
 * one by one.
 */
final class OperationGenerator {

    static final List<String> STREAMS = List.of("order-1", "order-2", "cart-\ud83d\uded2", "\u6ce8\u6587-3");
    private static final List<String> TYPES = List.of("ItemAdded", "ItemRemoved", "CheckedOut", "Ünïcödé-Typ");

    private final SplittableRandom random;
    private final boolean reopens;
    private final StoreModel model = new StoreModel();
    private final List<Operation.Append> appends = new ArrayList<>();

    OperationGenerator(SplittableRandom random, boolean reopens) {
        this.random = random;
        this.reopens = reopens;
    }

    List<Operation> generate(int count) {
        List<Operation> operations = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Operation operation = next(i);
            model.apply(operation);
            operations.add(operation);
            if (operation instanceof Operation.Append append) {
                appends.add(append);
            }
        }
        return operations;
    }

    private Operation next(int index) {
        int roll = random.nextInt(100);
        if (roll < 34) {
            return newBatch();
        } else if (roll < 44) {
            return retry();
        } else if (roll < 48) {
            return conflictingRetry();
        } else if (roll < 51) {
            return batchMixingStoredAndNewEvents();
        } else if (roll < 65) {
            return read();
        } else if (roll < 79) {
            return readAll();
        } else if (roll < 86) {
            return new Operation.StreamVersion(random.nextInt(8) == 0 ? "nobody" : stream());
        } else if (roll < 91) {
            return new Operation.HeadPosition();
        } else if (roll < 96) {
            return reopens ? new Operation.Reopen() : new Operation.HeadPosition();
        }
        return invalid();
    }

    private Operation.Append newBatch() {
        String streamId = stream();
        int size = random.nextInt(10) < 7 ? 1 + random.nextInt(2) : 1 + random.nextInt(5);
        List<EventData> events = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            events.add(freshEvent());
        }
        return new Operation.Append(streamId, expectation(model.version(streamId)), events, "");
    }

    /** Any, noStream, a correct exactly(n) or a wrong one, for a stream at version {@code current}. */
    private ExpectedVersion expectation(long current) {
        int roll = random.nextInt(100);
        if (roll < 25) {
            return any();
        } else if (roll < 45) {
            return noStream();
        } else if (roll < 85) {
            return current < 0 ? noStream() : exactly(current);
        }
        long wrong = current < 0 ? random.nextInt(3) : current + (random.nextBoolean() ? 1 + random.nextInt(2) : -1 - random.nextInt(2));
        return wrong < 0 || wrong == current ? exactly(current + 1) : exactly(wrong);
    }

    /** An earlier batch again, unchanged, as a writer retrying after a lost answer would send it. */
    private Operation.Append retry() {
        if (appends.isEmpty()) {
            return newBatch();
        }
        int index = random.nextInt(appends.size());
        Operation.Append earlier = appends.get(index);
        Optional<Long> storedAt = model.firstVersionOf(earlier.streamId(), earlier.events());
        ExpectedVersion expected = storedAt.isPresent()
                ? (random.nextBoolean() ? any() : expectationWhenStoredAt(storedAt.get()))
                : (random.nextBoolean() ? any() : earlier.expected());
        return new Operation.Append(earlier.streamId(), expected, earlier.events(), "retry of append #" + index);
    }

    /** An earlier stored batch again, with one event changed but keeping its id. */
    private Operation.Append conflictingRetry() {
        List<Operation.Append> stored = appends.stream()
                .filter(append -> model.firstVersionOf(append.streamId(), append.events()).isPresent())
                .toList();
        if (stored.isEmpty()) {
            return newBatch();
        }
        Operation.Append earlier = stored.get(random.nextInt(stored.size()));
        List<EventData> events = new ArrayList<>(earlier.events());
        int changed = random.nextInt(events.size());
        events.set(changed, changed(events.get(changed)));
        long storedAt = model.firstVersionOf(earlier.streamId(), earlier.events()).orElseThrow();
        ExpectedVersion expected = random.nextBoolean() ? any() : expectationWhenStoredAt(storedAt);
        return new Operation.Append(earlier.streamId(), expected, events, "changed event " + changed + " of an earlier batch");
    }

    /** A stored event together with a new one: neither a retry nor a new batch. */
    private Operation.Append batchMixingStoredAndNewEvents() {
        String streamId = stream();
        List<EventData> stored = model.storedEvents(streamId);
        if (stored.isEmpty()) {
            return newBatch();
        }
        EventData old = stored.get(random.nextInt(stored.size()));
        List<EventData> events = random.nextBoolean() ? List.of(old, freshEvent()) : List.of(freshEvent(), old);
        return new Operation.Append(streamId, any(), events, "reuses the id of a stored event");
    }

    private Operation read() {
        String streamId = random.nextInt(10) == 0 ? "nobody" : stream();
        long version = model.version(streamId);
        long from = random.nextInt(10) < 4 ? 0 : random.nextLong(Math.max(1, version + 4));
        return new Operation.Read(streamId, from);
    }

    private Operation readAll() {
        long head = model.headPosition();
        long from = random.nextInt(10) < 3 ? 0 : random.nextLong(Math.max(1, head + 5));
        int roll = random.nextInt(100);
        int limit = roll < 60 ? 1 + random.nextInt(10) : roll < 85 ? 1 + random.nextInt(200) : Limits.MAX_READ_LIMIT;
        return new Operation.ReadAll(from, limit);
    }

    private Operation invalid() {
        return switch (random.nextInt(5)) {
            case 0 -> new Operation.Read(stream(), -1 - random.nextInt(3));
            case 1 -> new Operation.ReadAll(-1, 10);
            case 2 -> new Operation.ReadAll(0, 0);
            case 3 -> new Operation.ReadAll(0, Limits.MAX_READ_LIMIT + 1);
            default -> new Operation.Append(stream(), any(), List.of(), "empty batch");
        };
    }

    private static ExpectedVersion expectationWhenStoredAt(long firstVersion) {
        return firstVersion == 0 ? noStream() : exactly(firstVersion - 1);
    }

    private String stream() {
        return STREAMS.get(random.nextInt(STREAMS.size()));
    }

    private EventData freshEvent() {
        UUID id = new UUID(random.nextLong(), random.nextLong());
        String type = TYPES.get(random.nextInt(TYPES.size()));
        byte[] data = new byte[random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(64)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) random.nextInt(256);
        }
        Instant timestamp = Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 4_000_000_000L),
                random.nextInt(1_000_000_000));
        Metadata metadata = new Metadata(
                random.nextBoolean() ? "" : "corr-" + random.nextInt(1000),
                random.nextBoolean() ? "" : "cause-" + random.nextInt(1000),
                random.nextBoolean() ? "" : "user-\u00e5-" + random.nextInt(10),
                timestamp, 1 + random.nextInt(3),
                random.nextBoolean() ? Map.of() : Map.of("traceparent", "00-" + Long.toHexString(random.nextLong()),
                        "k\u00fc", "v\ud83d\ude00"));
        return new EventData(id, type, data, metadata);
    }

    private EventData changed(EventData event) {
        return switch (random.nextInt(3)) {
            case 0 -> Events.withData(event, Arrays.copyOf(event.data(), event.data().length + 1));
            case 1 -> Events.withType(event, event.type() + "V2");
            default -> Events.withMetadata(event, new Metadata(event.metadata().correlationId(),
                    event.metadata().causationId(), event.metadata().actingUser(),
                    event.metadata().timestamp().plusNanos(1), event.metadata().schemaVersion(),
                    event.metadata().headers()));
        };
    }
}
