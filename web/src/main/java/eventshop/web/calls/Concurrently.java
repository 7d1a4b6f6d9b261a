package eventshop.web.calls;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.stereotype.Component;

/**
 * A page's independent service calls made at the same time, each on a virtual thread of its own. What a call
 * needs from the page's request thread goes with it: the {@code ContextPropagatingTaskDecorator} captures every
 * thread-local the Micrometer context registry knows when the call is started and restores it on the call's
 * thread, among them the request's {@code SecurityContext} (Spring Security registers it, so {@code ServiceCalls}
 * relays the customer's services token from there), the page's observation (the calls join its trace) and
 * the page's {@link CallTimings}.
 *
 * <p>{@link #both} fails fast: the first call to fail fails the page at once (its exception, unwrapped: a
 * {@code ServiceUnavailable} is still the 503 page), without waiting for the other call, which is cancelled
 * (its HTTP call ends at its own read timeout, on its own thread). Thread-safe.
 */
@Component
public class Concurrently {

    private final SimpleAsyncTaskExecutor executor;

    public Concurrently() {
        executor = new SimpleAsyncTaskExecutor("web-call-");
        executor.setVirtualThreads(true);
        executor.setTaskDecorator(new ContextPropagatingTaskDecorator());
    }

    /** Starts {@code call} on a thread of its own, with the calling thread's context. */
    public <T> CompletableFuture<T> start(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, executor);
    }

    /** Two answers read together. */
    public record Both<A, B>(A first, B second) {
    }

    /**
     * Makes both calls at once and waits for both answers; the first failure is thrown as soon as it happens.
     *
     * @throws RuntimeException the first call's failure to happen, as the call threw it
     */
    public <A, B> Both<A, B> both(Supplier<A> first, Supplier<B> second) {
        CompletableFuture<A> a = start(first);
        CompletableFuture<B> b = start(second);
        CompletableFuture<Void> failed = new CompletableFuture<>();
        a.whenComplete((value, failure) -> {
            if (failure != null) {
                failed.completeExceptionally(failure);
            }
        });
        b.whenComplete((value, failure) -> {
            if (failure != null) {
                failed.completeExceptionally(failure);
            }
        });
        try {
            await(CompletableFuture.anyOf(CompletableFuture.allOf(a, b), failed));
            return new Both<>(a.join(), b.join());
        } catch (RuntimeException failure) {
            a.cancel(true);
            b.cancel(true);
            throw failure;
        }
    }

    /** The answer of a started call, or its failure as the call threw it. */
    public static <T> T await(CompletableFuture<T> started) {
        try {
            return started.get();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            started.cancel(true);
            throw new CancellationException("interrupted while waiting for a service call");
        } catch (ExecutionException failed) {
            throw unwrapped(failed.getCause());
        }
    }

    private static RuntimeException unwrapped(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new CompletionException(cause);
    }
}
