package eventshop.edge.problems;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.server.ResponseStatusException;

class ProblemResponsesTest {

    private final ProblemResponses responses = new ProblemResponses();

    @Test
    void aServerErrorThatCameAsAnErrorResponse_isAnsweredWithoutItsMessage() throws Exception {
        // what the gateway's breaker filter makes of a failure inside the JDK's client
        ResponseStatusException failure = new ResponseStatusException(HttpStatus.INTERNAL_SERVER_ERROR,
                "Cannot invoke \"jdk.internal.net.http.Http1Exchange$Http1RequestBodySubscriber.request(long)\"");

        ResponseEntity<Object> answer = responses.handleException(failure, new ServletWebRequest(new MockHttpServletRequest()));

        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        ProblemDetail problem = (ProblemDetail) answer.getBody();
        assertThat(problem.getType().toString()).isEqualTo("/problems/internal-error");
        assertThat(problem.getDetail()).doesNotContain("jdk", "Http1Exchange", "Cannot invoke");
    }

    @Test
    void aClientErrorThatCameAsAnErrorResponse_keepsItsDetail() throws Exception {
        ResponseStatusException refusal = new ResponseStatusException(HttpStatus.NOT_FOUND, "no such thing");

        ResponseEntity<Object> answer = responses.handleException(refusal, new ServletWebRequest(new MockHttpServletRequest()));

        assertThat(answer.getStatusCode().value()).isEqualTo(404);
        assertThat(((ProblemDetail) answer.getBody()).getDetail()).isEqualTo("no such thing");
    }
}
