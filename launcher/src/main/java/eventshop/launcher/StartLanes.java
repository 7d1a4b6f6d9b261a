package eventshop.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Runs start steps from one queue on a few threads at once, this one among them. A context starts on
 * one thread and its start is mostly work for one core, so the store starts on as many lanes as there
 * are cores (at most three, or {@code -Deventshop.start.lanes=N}). The first failure stops every lane
 * before its next step; a step that must wait for another (a service for the broker) waits inside.
 */
final class StartLanes {

    private StartLanes() {
    }

    /** The number of lanes for this machine. */
    static int forThisMachine() {
        return Integer.getInteger("eventshop.start.lanes", Math.max(1, Math.min(3, Runtime.getRuntime().availableProcessors())));
    }

    /**
     * Runs {@code steps} in order of the list, on {@code lanes} threads, until they are done, one failed or
     * {@code stop} says so; returns when every lane has ended.
     *
     * @param failed called once a step has failed, before the other lanes notice
     * @return the failures, in the order they happened (empty when every step ran)
     */
    static List<Throwable> run(List<Runnable> steps, int lanes, BooleanSupplier stop, Runnable failed) {
        Queue<Runnable> queue = new ConcurrentLinkedQueue<>(steps);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Runnable lane = () -> {
            for (Runnable step = queue.poll(); step != null && failures.isEmpty() && !stop.getAsBoolean();
                    step = queue.poll()) {
                try {
                    step.run();
                } catch (Throwable e) {
                    failures.add(e);
                    failed.run();
                    return;
                }
            }
        };
        List<Thread> helpers = new ArrayList<>();
        for (int i = 1; i < lanes; i++) {
            Thread helper = new Thread(lane, "store-start-" + i);
            helper.start();
            helpers.add(helper);
        }
        lane.run();
        helpers.forEach(StartLanes::awaitQuietly);
        return List.copyOf(failures);
    }

    private static void awaitQuietly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
