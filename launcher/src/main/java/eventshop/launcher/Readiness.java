package eventshop.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits until an application answers {@code 200} on a probe: its readiness
 * ({@code /actuator/health/readiness}) — for a service that means its read models have caught up
 * with its log (DESIGN §8), so the demo data and the first users see what is there — or its
 * liveness ({@code /actuator/health/liveness}: it runs).
 */
final class Readiness {

    static final String PATH = "/actuator/health/readiness";
    static final String LIVENESS = "/actuator/health/liveness";

    private final HttpClient http;

    Readiness(HttpClient http) {
        this.http = http;
    }

    /** Polls the readiness probe ({@link #PATH}) until it answers 200. */
    void await(String name, URI base, Duration timeout, BooleanSupplier aborted) {
        await(name, base, PATH, timeout, aborted);
    }

    /**
     * Polls {@code base + probe} until it answers 200.
     *
     * @param aborted stops the wait early (the store is being closed)
     * @throws StoreStartException on timeout, with the last answer
     */
    void await(String name, URI base, String probe, Duration timeout, BooleanSupplier aborted) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(base.resolve(probe)).timeout(Duration.ofSeconds(5)).GET().build();
        String last = "no answer";
        long pause = 20;
        while (!aborted.getAsBoolean()) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreStartException(name + ": interrupted while waiting for readiness");
            }
            if (System.nanoTime() > deadline) {
                throw new StoreStartException(name + " was not ready within " + timeout.toSeconds() + " s; "
                        + base.resolve(probe) + " answered: " + abbreviate(last));
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreStartException(name + ": interrupted while waiting for readiness");
            }
            pause = Math.min(pause * 2, 250);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
