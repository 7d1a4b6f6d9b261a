package eventshop.edge.login;

import eventshop.edge.EdgeProperties;
import eventshop.edge.problems.EdgeProblem;
import eventshop.edge.problems.Problems;
import eventshop.edge.routing.UpstreamFailures;
import eventshop.edge.routing.Upstreams;
import eventshop.edge.sessions.Sessions;
import eventshop.edge.tokens.Caller;
import eventshop.edge.tokens.EdgeTokens;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.circuitbreaker.CircuitBreaker;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClient.RequestHeadersSpec.ConvertibleClientHttpResponse;

/**
 * The accounts service as edge's login sees it: {@code POST /internal/credentials/verify}, called with a
 * token edge mints for itself (role EDGE), through the same circuit breaker as the accounts route. Any
 * answer from accounts — wrong password included — is an outcome, not a breaker failure; only an
 * accounts service that cannot be reached or answers too late counts against it. Accounts with no instance that
 * discovery knows of is unavailable too (503), but not a failure the breaker counts.
 */
@Component
class Accounts {

    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);

    static final String VERIFY_PATH = "/internal/credentials/verify";
    private static final String SERVICE = "accounts";

    private final RestClient client;
    private final EdgeTokens tokens;
    private final CircuitBreaker breaker;
    private final Duration retryAfter;

    Accounts(RestClient.Builder builder, EdgeProperties properties, EdgeTokens tokens,
             CircuitBreakerFactory<?, ?> breakers, ObjectProvider<LoadBalancerClient> loadBalancer) {
        this.client = Upstreams.client(builder.clone(), properties.service(SERVICE), loadBalancer).build();
        this.tokens = tokens;
        this.breaker = breakers.create(SERVICE);
        this.retryAfter = properties.resilience().openStateWait();
    }

    /**
     * The account the credentials belong to; an {@link EdgeProblem} if they do not, or accounts cannot say.
     * {@code clientAddress} (the socket's remote address of the login request) goes to accounts in edge's token:
     * accounts limits failed logins per client address too.
     */
    VerifiedAccount verify(Credentials credentials, String clientAddress) {
        Outcome outcome = breaker.run(() -> client.post()
                .uri(VERIFY_PATH)
                .headers(headers -> headers.setBearerAuth(tokens.mintForServices(Caller.edge(), clientAddress)))
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
                .body(credentials)
                .exchange((request, response) -> outcome(response)), this::unreachable);
        return switch (outcome) {
            case Outcome.Verified verified -> verified.account();
            case Outcome.Refused refused -> throw refused.problem();
        };
    }

    private sealed interface Outcome {
        record Verified(VerifiedAccount account) implements Outcome {
        }

        record Refused(EdgeProblem problem) implements Outcome {
        }
    }

    private static Outcome outcome(ConvertibleClientHttpResponse response) throws java.io.IOException {
        HttpStatusCode status = response.getStatusCode();
        return switch (status.value()) {
            case 200 -> {
                VerifiedAccount account = response.bodyTo(VerifiedAccount.class);
                yield account != null && account.accountId() != null && account.role() != null
                        ? new Outcome.Verified(account)
                        : new Outcome.Refused(badGateway("the accounts service answered without an account id or role"));
            }
            case 401 -> {
                HttpHeaders headers = new HttpHeaders();
                headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
                yield new Outcome.Refused(new EdgeProblem(Problems.problem(HttpStatus.UNAUTHORIZED,
                        "invalid-credentials", "Invalid credentials", "the e-mail address or the password is wrong"),
                        headers));
            }
            case 403 -> new Outcome.Refused(mayNotLogIn(response));
            case 429 -> new Outcome.Refused(tooManyAttempts(response));
            case 400, 413, 422 -> new Outcome.Refused(EdgeProblem.invalidRequest(
                    detailOr(response, "the credentials are malformed")));
            default -> new Outcome.Refused(badGateway(
                    "the accounts service answered " + status.value() + " to a credentials check"));
        };
    }

    /**
     * Accounts refused a login with the right password: the account is suspended ({@code account-suspended})
     * or archived ({@code account-archived}), as accounts' problem type says.
     */
    private static EdgeProblem mayNotLogIn(ConvertibleClientHttpResponse response) {
        ProblemDetail problem = problemOf(response);
        boolean archived = problem != null && problem.getType() != null
                && problem.getType().toString().endsWith("/account-archived");
        EdgeProblem refused = mayNotLogIn(archived ? Sessions.Ending.ARCHIVED : Sessions.Ending.SUSPENDED);
        if (problem != null && problem.getDetail() != null) {
            refused.problem().setDetail(problem.getDetail());
        }
        return refused;
    }

    /**
     * Accounts refused a login unchecked after too many failures (429 {@code too-many-login-attempts}): passed on
     * with accounts' {@code Retry-After}.
     */
    private static EdgeProblem tooManyAttempts(ConvertibleClientHttpResponse response) {
        String retryAfter = response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, retryAfter != null && retryAfter.matches("[0-9]{1,9}") ? retryAfter : "60");
        ProblemDetail problem = problemOf(response);
        return new EdgeProblem(Problems.problem(HttpStatus.TOO_MANY_REQUESTS, "too-many-login-attempts",
                "Too many login attempts", problem != null && problem.getDetail() != null ? problem.getDetail()
                        : "too many failed logins; try again later"), headers);
    }

    /** The 403 problem of a login to an account that is suspended or archived. */
    static EdgeProblem mayNotLogIn(Sessions.Ending ending) {
        return switch (ending) {
            case SUSPENDED -> new EdgeProblem(Problems.problem(HttpStatus.FORBIDDEN, "account-suspended",
                    "Account suspended", "this account is suspended and may not log in"));
            case ARCHIVED -> new EdgeProblem(Problems.problem(HttpStatus.FORBIDDEN, "account-archived",
                    "Account archived", "this account is archived and may not log in"));
        };
    }

    private static ProblemDetail problemOf(ConvertibleClientHttpResponse response) {
        try {
            return response.bodyTo(ProblemDetail.class);
        } catch (RuntimeException notAProblem) {
            return null;
        }
    }

    private static String detailOr(ConvertibleClientHttpResponse response, String otherwise) {
        try {
            ProblemDetail problem = response.bodyTo(ProblemDetail.class);
            return problem != null && problem.getDetail() != null ? problem.getDetail() : otherwise;
        } catch (RuntimeException notAProblem) {
            return otherwise;
        }
    }

    /** A call that got no answer: the problem {@link UpstreamFailures} makes of it, any other failure as unreachable. */
    private Outcome unreachable(Throwable failure) {
        LOG.warn("credentials check at accounts failed: {}", failure.toString());
        LOG.debug("the failure in full", failure);
        throw UpstreamFailures.problem(SERVICE, failure, retryAfter)
                .orElseGet(() -> UpstreamFailures.unavailable(SERVICE, "cannot be reached", retryAfter));
    }

    private static EdgeProblem badGateway(String detail) {
        return new EdgeProblem(Problems.problem(HttpStatus.BAD_GATEWAY, "bad-gateway", "Bad gateway", detail));
    }
}
