package eventshop.eventsourcing.calls;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Calls to one service ({@link ServiceCalls#client}). Every answer below 500 is a {@link Reply}; a
 * service that cannot answer is a {@link ServiceUnavailable}. Only failures to answer (unreachable,
 * too slow, 5xx) count against the service's circuit breaker; its refusals (4xx) are answers.
 * Thread-safe.
 */
public final class ServiceClient {

    private static final List<MediaType> ACCEPT = List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON);

    private final String service;
    private final RestClient client;
    private final CircuitBreaker breaker;

    ServiceClient(String service, RestClient client, CircuitBreaker breaker) {
        this.service = service;
        this.client = client;
        this.breaker = breaker;
    }

    /** The called service's name. */
    public String service() {
        return service;
    }

    /**
     * {@code GET uriTemplate}, expanded with {@code uriVariables} (each encoded), as the calling user.
     *
     * @throws ServiceUnavailable if the service gives no answer (see the class comment)
     */
    public <T> Reply<T> get(String uriTemplate, Class<T> type, Object... uriVariables) {
        return exchange(HttpMethod.GET, uriTemplate, null, type, uriVariables);
    }

    /** {@code POST uriTemplate} with a JSON body (or none), as the calling user. */
    public <T> Reply<T> post(String uriTemplate, @Nullable Object body, Class<T> type, Object... uriVariables) {
        return exchange(HttpMethod.POST, uriTemplate, body, type, uriVariables);
    }

    /** {@code PUT uriTemplate} with a JSON body (or none), as the calling user. */
    public <T> Reply<T> put(String uriTemplate, @Nullable Object body, Class<T> type, Object... uriVariables) {
        return exchange(HttpMethod.PUT, uriTemplate, body, type, uriVariables);
    }

    /** {@code DELETE uriTemplate}, as the calling user. */
    public <T> Reply<T> delete(String uriTemplate, Class<T> type, Object... uriVariables) {
        return exchange(HttpMethod.DELETE, uriTemplate, null, type, uriVariables);
    }

    private <T> Reply<T> exchange(HttpMethod method, String uriTemplate, @Nullable Object body, Class<T> type,
                                  Object... uriVariables) {
        return exchange(method, uriTemplate, body, type, headers -> { }, uriVariables);
    }

    /**
     * {@code GET uriTemplate} as this service itself, not as the calling user: with {@code serviceToken}, a token
     * this service minted for itself (role {@code SERVICE}, which edge never gives a person), for the few endpoints
     * only services may call (a data subject's key, {@code eventshop.eventsourcing.privacy}).
     *
     * @throws ServiceUnavailable if the service gives no answer (see the class comment)
     */
    public <T> Reply<T> getAsService(String serviceToken, String uriTemplate, Class<T> type, Object... uriVariables) {
        return call(HttpMethod.GET, uriTemplate, null, type, headers -> { },
                headers -> {
                    headers.remove(HttpHeaders.AUTHORIZATION);
                    headers.setBearerAuth(serviceToken);
                }, uriVariables);
    }

    /**
     * Any call, as the calling user, with more request headers (a {@code Consistency-Token} for a query, an
     * {@code Idempotency-Key} for a command); the caller's token cannot be replaced through {@code headers}.
     * The answer's headers are in the {@link Reply}.
     *
     * @throws ServiceUnavailable if the service gives no answer (see the class comment)
     */
    public <T> Reply<T> exchange(HttpMethod method, String uriTemplate, @Nullable Object body, Class<T> type,
                                 Consumer<HttpHeaders> headers, Object... uriVariables) {
        return call(method, uriTemplate, body, type, headers, this::asTheCaller, uriVariables);
    }

    private <T> Reply<T> call(HttpMethod method, String uriTemplate, @Nullable Object body, Class<T> type,
                              Consumer<HttpHeaders> headers, Consumer<HttpHeaders> authorization,
                              Object... uriVariables) {
        try {
            return breaker.executeSupplier(() -> {
                RestClient.RequestBodySpec request = client.method(method).uri(uriTemplate, uriVariables)
                        .headers(headers).headers(authorization).accept(ACCEPT.toArray(MediaType[]::new));
                if (body != null) {
                    request.contentType(MediaType.APPLICATION_JSON).body(body);
                }
                return request.exchange((sent, response) -> {
                    int status = response.getStatusCode().value();
                    if (status >= 500) {
                        throw new ServerError(status);
                    }
                    HttpHeaders answered = new HttpHeaders();
                    answered.putAll(response.getHeaders());
                    if (status / 100 == 2) {
                        return new Reply<>(status, response.bodyTo(type), null, answered);
                    }
                    return new Reply<T>(status, null, problemOf(response), answered);
                });
            });
        } catch (CallNotPermittedException open) {
            throw new ServiceUnavailable(service, "is failing and is not called for a while", open);
        } catch (ServerError error) {
            throw new ServiceUnavailable(service, "answered with a server error (" + error.status + ")", error);
        } catch (ResourceAccessException unreachable) {
            throw new ServiceUnavailable(service, timedOut(unreachable) ? "did not answer in time" : "cannot be reached",
                    unreachable);
        } catch (RestClientException unreadable) {
            throw new ServiceUnavailable(service, "answered something this service cannot read", unreadable);
        }
    }

    /** Relays the services token of the request being handled, if there is one. */
    private void asTheCaller(HttpHeaders headers) {
        headers.remove(HttpHeaders.AUTHORIZATION);
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        if (caller instanceof AbstractOAuth2TokenAuthenticationToken<?> token) {
            headers.setBearerAuth(token.getToken().getTokenValue());
        }
    }

    private static @Nullable ProblemDetail problemOf(RestClient.RequestHeadersSpec.ConvertibleClientHttpResponse response) {
        try {
            return response.bodyTo(ProblemDetail.class);
        } catch (RuntimeException notAProblem) {
            return null;
        }
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpTimeoutException || cause instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** What the breaker counts as a failure of the service (not its refusals). */
    static boolean isFailure(Throwable error) {
        return error instanceof ServerError || error instanceof ResourceAccessException || error instanceof IOException
                || error instanceof RestClientException;
    }

    /** A 5xx answer, thrown inside the breaker so it counts as a failure. */
    private static final class ServerError extends RuntimeException {
        final int status;

        ServerError(int status) {
            super("status " + status, null, false, false);
            this.status = status;
        }
    }
}
