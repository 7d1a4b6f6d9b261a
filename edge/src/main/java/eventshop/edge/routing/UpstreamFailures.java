package eventshop.edge.routing;

import eventshop.edge.problems.Problems;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Turns a call that did not reach its service into edge's problem: the breaker open or the service
 * unreachable → 503 {@code service-unavailable} with {@code Retry-After}; no answer in time → 504
 * {@code gateway-timeout}. Sits outside the gateway's circuit breaker filter, which reports these as
 * exceptions (and counts them as failures before they get here).
 */
final class UpstreamFailures {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamFailures.class);

    private UpstreamFailures() {
    }

    static HandlerFilterFunction<ServerResponse, ServerResponse> asProblems(String service, Duration retryAfter) {
        return (request, next) -> {
            try {
                return next.handle(request);
            } catch (RuntimeException failure) {
                LOG.warn("{} {} to {} failed: {}", request.method(), request.path(), service, describe(failure));
                LOG.debug("the failure in full", failure);
                for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                    if (cause instanceof TimeoutException) {
                        return problem(request, Problems.problem(HttpStatus.GATEWAY_TIMEOUT, "gateway-timeout",
                                "Gateway timeout", "the " + service + " service did not answer in time"), null);
                    }
                    if (cause instanceof CallNotPermittedException) {
                        return problem(request, unavailable(service, "is failing; edge stops calling it for a while"),
                                retryAfter);
                    }
                    if (cause instanceof ResourceAccessException || cause instanceof IOException) {
                        return problem(request, unavailable(service, "cannot be reached"), retryAfter);
                    }
                }
                throw failure;
            }
        };
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

    private static ProblemDetail unavailable(String service, String why) {
        return Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service unavailable",
                "the " + service + " service " + why + "; try again later");
    }

    private static ServerResponse problem(ServerRequest request, ProblemDetail problem, Duration retryAfter) {
        problem.setInstance(URI.create(request.path()));
        ServerResponse.BodyBuilder response = ServerResponse.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        }
        return response.body(problem);
    }
}
