package eventshop.payments;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** HTTP helpers for the API tests (one shared context, {@link PaymentsTest}). */
public abstract class ApiSupport {

    @Autowired
    protected MockMvcTester mvc;
    @Autowired
    protected EdgeTokens tokens;
    @Autowired
    protected EventStore store;
    @Autowired
    protected JsonMapper json;

    protected String bearer(EdgeUser user) {
        return "Bearer " + tokens.mint(user);
    }

    protected MvcTestResult get(EdgeUser user, String uri) {
        return mvc.get().uri(uri).header(HttpHeaders.AUTHORIZATION, bearer(user)).exchange();
    }

    protected MvcTestResult get(EdgeUser user, String uri, String consistencyToken) {
        return mvc.get().uri(uri).header(HttpHeaders.AUTHORIZATION, bearer(user))
                .header("Consistency-Token", consistencyToken).exchange();
    }

    protected MvcTestResult post(EdgeUser user, String uri, String body) {
        return mvc.post().uri(uri).header(HttpHeaders.AUTHORIZATION, bearer(user))
                .contentType(MediaType.APPLICATION_JSON).content(body).exchange();
    }

    protected static String card(String number, int month, int year, String cvc) {
        return "{\"number\":\"" + number + "\",\"expMonth\":" + month + ",\"expYear\":" + year + ",\"cvc\":\"" + cvc
                + "\"}";
    }

    protected MvcTestResult tokenize(EdgeUser user, String number) {
        return post(user, "/api/payments/tokens", card(number, 12, 2030, "123"));
    }

    /** Tokenizes a card and answers its token. */
    protected String tokenOf(EdgeUser user, String number) {
        MvcTestResult result = tokenize(user, number);
        assertThat(result).hasStatus(HttpStatus.CREATED);
        return body(result).get("token").asString();
    }

    /** The answer's body as text. */
    protected static String text(MvcTestResult result) {
        return new String(result.getResponse().getContentAsByteArray(), java.nio.charset.StandardCharsets.UTF_8);
    }

    protected JsonNode body(MvcTestResult result) {
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    /** Asserts the answer is a problem of this status and type, and that nothing was stored by it. */
    protected void assertRefused(long headBefore, MvcTestResult result, HttpStatus status, String type) {
        assertThat(result).hasStatus(status);
        assertThat(result.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (type != null) {
            assertThat(body(result).get("type").asString()).isEqualTo("/problems/" + type);
        }
        assertThat(store.headPosition()).as("nothing stored").isEqualTo(headBefore);
    }
}
