package eventshop.eventsourcing.consistency;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Combining the waits of {@link ReadModelProgress}: cancelling the combination withdraws every part. */
public final class Waits {

    private Waits() {
    }

    /**
     * Completes when every one of {@code waits} has, exceptionally with the first failure's cause if
     * one fails; cancelling it cancels every part (each withdraws its wait).
     */
    public static CompletableFuture<Void> all(List<CompletableFuture<Void>> waits) {
        if (waits.size() == 1) {
            return waits.getFirst();
        }
        CompletableFuture<Void> all = new CompletableFuture<>();
        CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            if (error == null) {
                all.complete(null);
            } else {
                all.completeExceptionally(error instanceof CompletionException wrapped && wrapped.getCause() != null
                        ? wrapped.getCause() : error);
            }
        });
        all.whenComplete((ignored, error) -> {
            if (all.isCancelled()) {
                waits.forEach(wait -> wait.cancel(false));
            }
        });
        return all;
    }
}
