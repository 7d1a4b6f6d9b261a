package eventshop.eventstore.file;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.StoreLockedException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child JVM of {@link FileEngineLockTest}.
 *
 * <ul>
 *   <li>{@code hold <dir>}: opens the store, appends one batch to {@value #STREAM}, prints
 *       {@code READY <position>} and keeps the store open until its stdin ends, then closes it,
 *       prints {@value #CLOSED} and exits 0.</li>
 *   <li>{@code probe <dir>}: tries to open the store once and prints {@code LOCKED <message>} or
 *       {@value #OPENED} (closing it again at once).</li>
 * </ul>
 * Any other failure is printed as an {@code ERROR} line and ends the process with code 2.
 */
public final class StoreHolder {

    static final String STREAM = "held";
    static final String READY = "READY";
    static final String CLOSED = "CLOSED";
    static final String LOCKED = "LOCKED";
    static final String OPENED = "OPENED";

    private StoreHolder() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        try {
            switch (args[0]) {
                case "hold" -> hold(dir);
                case "probe" -> probe(dir);
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        } catch (Throwable e) {
            CrashingAppender.emit(CrashingAppender.ERROR + " " + CrashingAppender.oneLine(e));
            Runtime.getRuntime().halt(2);
        }
    }

    private static void hold(Path dir) throws Exception {
        try (EventStore store = FileEventStore.open(dir)) {
            long version = store.streamVersion(STREAM);
            CrashBatch batch = new CrashBatch(STREAM, version + 1, 1, 42);
            AppendResult result = store.append(STREAM,
                    version < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(version), batch.events());
            CrashingAppender.emit(READY + " " + result.position());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // hold the store until stdin ends
            }
        }
        CrashingAppender.emit(CLOSED);
    }

    private static void probe(Path dir) {
        try {
            FileEventStore.open(dir).close();
            CrashingAppender.emit(OPENED);
        } catch (StoreLockedException e) {
            CrashingAppender.emit(LOCKED + " " + e.getMessage().replace('\n', ' '));
        }
    }
}
