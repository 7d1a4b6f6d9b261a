package eventshop.eventstore.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a body on several platform threads released at the same instant, and reports their failures. */
final class Concurrently {

    /** A task body that may throw, given its thread's index. */
    @FunctionalInterface
    interface Body {
        void run(int thread) throws Exception;
    }

    private Concurrently() {
    }

    /**
     * Runs {@code body} on {@code threads} threads at once and waits for all of them; rethrows the
     * first failure (others suppressed). {@code patience} only bounds a hang, it never decides a pass.
     */
    static void run(int threads, Duration patience, Body body) {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int thread = i;
                futures.add(executor.submit(() -> {
                    start.await();
                    body.run(thread);
                    return null;
                }));
            }
            start.countDown();
            AssertionError failure = null;
            long deadline = System.nanoTime() + patience.toNanos();
            for (Future<?> future : futures) {
                try {
                    future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    failure = addFailure(failure, e.getCause());
                } catch (TimeoutException e) {
                    failure = addFailure(failure, new AssertionError("a thread did not finish within " + patience));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private static AssertionError addFailure(AssertionError failure, Throwable cause) {
        if (failure == null) {
            return new AssertionError("a concurrent task failed: " + cause, cause);
        }
        failure.addSuppressed(cause);
        return failure;
    }
}
