package eventshop.eventstore.tck;

import static org.assertj.core.api.Assertions.fail;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Model-based test of an {@link EventStore}: random sequences of appends (new batches with any,
 * noStream and right or wrong exact versions; whole retries; retries with changed content; batches
 * reusing a stored id), reads, readAlls, streamVersions, headPositions, invalid requests and, for
 * persistent engines, close-and-reopen, run against the engine and against {@link StoreModel}. Every
 * answer, result or error type, must be one the model accepts.
 *
 * <p>Each engine's test extends this class with only {@link #open(Path)} (and {@link #persistent()}
 * if nothing survives close). A failing sequence is shrunk to a short one and reported with its seed.
 *
 * <p>System properties: {@code eventstore.tck.seed} replays one sequence; {@code eventstore.tck.tries}
 * (default {@value #DEFAULT_TRIES}) and {@code eventstore.tck.operations} (longest sequence, default
 * {@value #DEFAULT_OPERATIONS}) size the run.
 *
 * <p>A small harness of its own rather than jqwik: jqwik 1.10 asks, in its Anti-AI Usage Clause, not
 * to be used with AI coding agents, and this suite was written by one.
 */
public abstract class EventStoreModelContract {

    static final int DEFAULT_TRIES = 80;
    static final int DEFAULT_OPERATIONS = 50;
    private static final int SHRINK_BUDGET = 400;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** Opens the engine on a fresh (or, after a reopen, the same) directory; see {@link EventStoreContract#open}. */
    protected abstract EventStore open(Path directory);

    /** Whether the engine keeps its events across close and reopen; if so, sequences reopen it. */
    protected boolean persistent() {
        return true;
    }

    @TestFactory
    Stream<DynamicTest> randomOperationSequences_answerLikeTheModel() {
        String replay = System.getProperty("eventstore.tck.seed");
        LongStream seeds = replay != null
                ? LongStream.of(Long.parseLong(replay.trim()))
                : new SplittableRandom().longs(Integer.getInteger("eventstore.tck.tries", DEFAULT_TRIES));
        return seeds.mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> check(seed)));
    }

    private void check(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int longest = Integer.getInteger("eventstore.tck.operations", DEFAULT_OPERATIONS);
        List<Operation> operations = new OperationGenerator(random, persistent()).generate(1 + random.nextInt(longest));
        Mismatch mismatch = run(operations);
        if (mismatch != null) {
            Mismatch smallest = shrink(mismatch);
            fail(report(seed, operations.size(), smallest), smallest.actual() instanceof Outcome.Unexpected unexpected
                    ? unexpected.error() : null);
        }
    }

    /** Where the store first answered something the model does not accept. */
    private record Mismatch(List<Operation> operations, int step, List<Outcome> expected, Outcome actual) {
    }

    /** Runs {@code operations} on a fresh store and the model; null if every answer was acceptable. */
    private Mismatch run(List<Operation> operations) {
        Path directory = createDirectory();
        StoreModel model = new StoreModel();
        EventStore store = open(directory);
        try {
            for (int step = 0; step < operations.size(); step++) {
                Operation operation = operations.get(step);
                Outcome actual;
                if (operation instanceof Operation.Reopen) {
                    store.close();
                    store = open(directory);
                    actual = new Outcome.Reopened();
                } else {
                    actual = execute(store, operation);
                }
                List<Outcome> expected = model.apply(operation);
                if (!expected.contains(actual)) {
                    return new Mismatch(List.copyOf(operations.subList(0, step + 1)), step, expected, actual);
                }
            }
            return null;
        } finally {
            store.close();
            delete(directory);
        }
    }

    private static Outcome execute(EventStore store, Operation operation) {
        try {
            return switch (operation) {
                case Operation.Append append -> {
                    AppendResult result = store.append(append.streamId(), append.expected(), append.events());
                    yield new Outcome.Appended(result);
                }
                case Operation.Read read ->
                        new Outcome.Events(store.read(read.streamId(), read.fromVersion()).collectList().block(PATIENCE));
                case Operation.ReadAll readAll ->
                        new Outcome.Events(store.readAll(readAll.fromPosition(), readAll.limit()).collectList().block(PATIENCE));
                case Operation.StreamVersion streamVersion -> new Outcome.Value(store.streamVersion(streamVersion.streamId()));
                case Operation.HeadPosition headPosition -> new Outcome.Value(store.headPosition());
                case Operation.Reopen reopen -> throw new IllegalStateException("reopen is run by the caller");
            };
        } catch (RuntimeException error) {
            return Outcome.of(error);
        }
    }

    /**
     * Removes ever smaller runs of operations while the sequence still fails, within a budget of
     * runs. Removing operations never makes a sequence invalid: the model judges any sequence.
     */
    private Mismatch shrink(Mismatch failure) {
        Mismatch best = failure;
        int budget = SHRINK_BUDGET;
        boolean shrunk = true;
        while (shrunk && budget > 0) {
            shrunk = false;
            for (int chunk = Math.max(1, best.operations().size() / 2); chunk >= 1 && budget > 0; chunk /= 2) {
                int start = 0;
                while (start + chunk <= best.operations().size() && budget > 0) {
                    List<Operation> candidate = new ArrayList<>(best.operations());
                    candidate.subList(start, start + chunk).clear();
                    budget--;
                    Mismatch smaller = candidate.isEmpty() ? null : run(candidate);
                    if (smaller != null) {
                        best = smaller;
                        shrunk = true;
                    } else {
                        start += chunk;
                    }
                }
            }
        }
        return best;
    }

    private static String report(long seed, int generated, Mismatch mismatch) {
        StringBuilder text = new StringBuilder()
                .append("The store and the model disagree (seed ").append(seed)
                .append("; replay with -Deventstore.tck.seed=").append(seed).append(").\n")
                .append("Shrunk from ").append(generated).append(" to ").append(mismatch.operations().size())
                .append(" operations:\n");
        StoreModel model = new StoreModel();
        for (int step = 0; step < mismatch.operations().size(); step++) {
            Operation operation = mismatch.operations().get(step);
            List<Outcome> expected = model.apply(operation);
            text.append(String.format("  #%-3d %s%n", step, operation));
            if (step == mismatch.step()) {
                text.append("       the model accepts ").append(expected.size() == 1 ? expected.getFirst() : "one of " + expected)
                        .append("\n       but the store answered ").append(mismatch.actual()).append('\n');
            } else {
                text.append("       -> ").append(expected.getFirst()).append('\n');
            }
        }
        return text.toString();
    }

    private static Path createDirectory() {
        try {
            return Files.createTempDirectory("eventstore-model-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
