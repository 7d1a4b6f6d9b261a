package eventshop.benchmarks;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Turns a stuck engine into a reported failure instead of a hung benchmark: waits watch a
 * progress counter, and when it stops moving for too long the watchdog writes a thread dump
 * (virtual threads included) and throws {@link Hang}.
 */
final class Watchdog {

    /** How long a case may make no progress at all before it counts as hung. */
    static final Duration STALL = Duration.ofSeconds(30);

    private static Path dumpDirectory = Path.of(".");

    /** The engine stopped making progress; {@code dump} holds the thread dump taken then. */
    static final class Hang extends RuntimeException {
        Hang(String what, Path dump) {
            super(what + " made no progress for " + STALL.toSeconds() + " s (thread dump: " + dump + ")");
        }
    }

    private Watchdog() {
    }

    static void dumpTo(Path directory) {
        dumpDirectory = directory;
    }

    /**
     * Waits until {@code done} holds, failing with {@link Hang} when {@code progress} has not
     * changed for {@link #STALL}.
     */
    static void await(String what, BooleanSupplier done, LongSupplier progress) throws InterruptedException {
        long last = progress.getAsLong();
        long lastChange = System.nanoTime();
        while (!done.getAsBoolean()) {
            Thread.sleep(20);
            long now = progress.getAsLong();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > STALL.toNanos()) {
                throw new Hang(what, dump(what));
            }
        }
    }

    /** Runs {@code call} on its own thread and fails with {@link Hang} if it takes longer than {@code limit}. */
    static <T> T within(String what, Duration limit, Callable<T> call) throws Exception {
        FutureTask<T> task = new FutureTask<>(call);
        Thread thread = Thread.ofPlatform().daemon().name("bench-" + what.replace(' ', '-')).start(task);
        try {
            return task.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            Path dump = dump(what);
            thread.interrupt();
            throw new Hang(what, dump);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    static Path dump(String what) {
        try {
            Files.createDirectories(dumpDirectory);
            Path file = dumpDirectory.toAbsolutePath()
                    .resolve("threads-" + what.replaceAll("[^A-Za-z0-9]+", "-") + "-" + System.currentTimeMillis() + ".txt");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            return file;
        } catch (Exception e) {
            return Path.of("(thread dump failed: " + e + ")");
        }
    }
}
