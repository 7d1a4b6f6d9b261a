package eventshop.eventstore.file;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.WrongExpectedVersion;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The child JVM of {@link FileEngineCrashTest}: opens a file store and appends from several
 * threads without end, until the test kills it with SIGKILL.
 *
 * <p>Each writer appends batches of 1..5 {@link CrashBatch} events (0..4 KiB of data each) to its
 * own streams, with an exact expected version, and now and then to a stream all writers share
 * (retrying when it loses the race). Before each append it prints the batch's
 * {@link CrashBatch#sendLine()}, after each acknowledged one a {@link CrashAck} line (after one that
 * lost the race on the shared stream the send line again, prefixed with {@value #REJECTED}), and
 * after the first ack {@value #APPENDING}. Any unexpected error is printed as an
 * {@code ERROR} line, which fails the test. The process ends itself when its stdin closes (the test
 * JVM is gone) or after a minute, so it can never outlive a broken test run.
 *
 * <p>Arguments: {@code <store dir> <seed> <durability> <writers>}.
 */
public final class CrashingAppender {

    static final String OPENED = "OPENED";
    static final String APPENDING = "APPENDING";
    static final String ERROR = "ERROR";
    static final String REJECTED = "REJECTED";
    static final String SHARED_STREAM = "crash-shared";
    static final int STREAMS_PER_WRITER = 3;
    /** Small segments and checkpoints, so that kills also land near segment rolls and checkpoints. */
    static final long SEGMENT_BYTES = 1024 * 1024;
    static final long CHECKPOINT_BYTES = 256 * 1024;

    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
            StandardCharsets.UTF_8);
    private static final AtomicBoolean announced = new AtomicBoolean();

    private CrashingAppender() {
    }

    static FileEventStoreOptions options(Durability durability) {
        return FileEventStoreOptions.defaults().withDurability(durability).withSegmentBytes(SEGMENT_BYTES)
                .withIndexCheckpointBytes(CHECKPOINT_BYTES);
    }

    static String ownStream(int writer, int index) {
        return "crash-w" + writer + "-" + index;
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        Durability durability = Durability.valueOf(args[2]);
        int writers = Integer.parseInt(args[3]);
        exitWhenParentGoes();
        EventStore store;
        try {
            store = FileEventStore.open(dir, options(durability));
        } catch (Throwable e) {
            emit(ERROR + " open failed: " + oneLine(e));
            Runtime.getRuntime().halt(2);
            return;
        }
        emit(OPENED + " head=" + store.headPosition());
        for (int writer = 0; writer < writers; writer++) {
            int id = writer;
            Thread.ofPlatform().name("crash-writer-" + id).start(() -> write(store, id, new SplittableRandom(seed + id)));
        }
    }

    private static void write(EventStore store, int writer, SplittableRandom random) {
        try {
            while (true) {
                boolean shared = random.nextInt(4) == 0;
                String stream = shared ? SHARED_STREAM : ownStream(writer, random.nextInt(STREAMS_PER_WRITER));
                int size = 1 + random.nextInt(5);
                while (true) {
                    long current = store.streamVersion(stream);
                    CrashBatch batch = new CrashBatch(stream, current + 1, size, random.nextLong());
                    List<EventData> events = batch.events();
                    ExpectedVersion expected = current < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(current);
                    AppendResult result;
                    emit(batch.sendLine());
                    try {
                        result = store.append(stream, expected, events);
                    } catch (WrongExpectedVersion e) {
                        if (shared) {
                            emit(REJECTED + " " + batch.sendLine());
                            LockSupport.parkNanos(random.nextInt(200_000));
                            continue;
                        }
                        throw e;
                    }
                    emit(new CrashAck(batch, result.streamVersion(), result.position(), CrashBatch.hash(events)).line());
                    if (announced.compareAndSet(false, true)) {
                        emit(APPENDING);
                    }
                    break;
                }
            }
        } catch (Throwable e) {
            emit(ERROR + " writer " + writer + ": " + oneLine(e));
        }
    }

    static synchronized void emit(String line) {
        OUT.print(line + "\n");
        OUT.flush();
    }

    static String oneLine(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text.toString().replace('\n', '|').replace("\t", "");
    }

    /** Halts when stdin reaches its end (the test JVM died) or after a minute at the latest. */
    static void exitWhenParentGoes() {
        Thread.ofPlatform().daemon().name("parent-watch").start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; wait for the end of the stream
                }
            } catch (IOException ignored) {
                // treat like the end of the stream
            }
            Runtime.getRuntime().halt(4);
        });
        Thread.ofPlatform().daemon().name("deadline").start(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException ignored) {
                return;
            }
            emit(ERROR + " still running after 60 s; halting");
            Runtime.getRuntime().halt(5);
        });
    }
}
