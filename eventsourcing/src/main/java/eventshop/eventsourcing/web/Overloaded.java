package eventshop.eventsourcing.web;

import java.time.Duration;
import java.util.Objects;

/**
 * This service already has as much of some bounded work in hand as it takes at once (a bulkhead is full), and the
 * request waited its turn long enough: the shared problem handler answers 503 {@code overloaded} with
 * {@code Retry-After}; the request changed nothing.
 */
public class Overloaded extends RuntimeException {

    private final Duration retryAfter;

    /** @param what what is at its limit, for the answer's detail ("more passwords are being checked than ...") */
    public Overloaded(String what, Duration retryAfter) {
        super(what + "; try again shortly");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("a negative Retry-After: " + retryAfter);
        }
    }

    /** When the caller may try again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
