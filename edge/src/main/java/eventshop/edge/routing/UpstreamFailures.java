package eventshop.edge.routing;

import eventshop.edge.problems.EdgeProblem;
import eventshop.edge.problems.Problems;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Turns a call that did not reach its service into edge's problem: the breaker open, the service
 * unreachable, or no instance of it that discovery knows ({@link NoInstanceAvailable}) → 503
 * {@code service-unavailable} with {@code Retry-After}; no answer in time → 504 {@code gateway-timeout}.
 * The routes' filter sits outside the gateway's circuit breaker filter, which reports these as exceptions
 * (and counts them as failures before they get here), and outside the choice of an instance
 * ({@link Upstreams#to}); edge's own calls (login's to accounts) map their failures with {@link #problem}.
 */
public final class UpstreamFailures {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamFailures.class);

    private UpstreamFailures() {
    }

    static HandlerFilterFunction<ServerResponse, ServerResponse> asProblems(String service, Duration retryAfter) {
        return (request, next) -> {
            try {
                return next.handle(request);
            } catch (RuntimeException failure) {
                Optional<EdgeProblem> problem = problem(service, failure, retryAfter);
                if (problem.isEmpty()) {
                    throw failure;
                }
                LOG.warn("{} {} to {} failed: {}", request.method(), request.path(), service, describe(failure));
                LOG.debug("the failure in full", failure);
                return problem.get().toResponse(request);
            }
        };
    }

    /**
     * The problem a call to {@code service} that got no answer is; none for a failure that is not the service's
     * absence nor its slowness (edge's own defect, left to the error handling).
     *
     * @param retryAfter when a client may try again (a 503's {@code Retry-After}, whole seconds, at least 1)
     */
    public static Optional<EdgeProblem> problem(String service, Throwable failure, Duration retryAfter) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidParameterException || cause instanceof RequestRejectedException) {
                // the client's request could not be read (its query string, a header): a 400 of edge's error
                // handling, though the parameters' decoding failed with an IOException
                return Optional.empty();
            }
            if (cause instanceof TimeoutException) {
                return Optional.of(new EdgeProblem(Problems.problem(HttpStatus.GATEWAY_TIMEOUT, "gateway-timeout",
                        "Gateway timeout", "the " + service + " service did not answer in time")));
            }
            if (cause instanceof CallNotPermittedException) {
                return Optional.of(unavailable(service, "is failing; edge stops calling it for a while", retryAfter));
            }
            if (cause instanceof NoInstanceAvailable) {
                return Optional.of(unavailable(service, "has no instance running that discovery knows of", retryAfter));
            }
            if (cause instanceof ResourceAccessException || cause instanceof IOException) {
                return Optional.of(unavailable(service, "cannot be reached", retryAfter));
            }
        }
        return Optional.empty();
    }

    /** 503 {@code service-unavailable}: {@code service} {@code why}, with {@code Retry-After}. */
    public static EdgeProblem unavailable(String service, String why, Duration retryAfter) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        return new EdgeProblem(Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable",
                "Service unavailable", "the " + service + " service " + why + "; try again later"), headers);
    }

    private static String describe(Throwable failure) {
        StringBuilder chain = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            chain.append(chain.isEmpty() ? "" : " <- ").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                chain.append(": ").append(cause.getMessage());
            }
        }
        return chain.toString();
    }
}
