package eventshop.eventsourcing.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.edgetoken.EdgeToken;
import eventshop.edgetoken.InvalidTokenKey;
import eventshop.edgetoken.TokenKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.web.client.RestClient;

/**
 * A service during a rotation of edge's key: configured with the new key and the old one as previous, it takes
 * tokens of both (edge's tokens minted before the rotation stay good until they expire) and no other; a token
 * whose header names another key than the one that signed it, or no algorithm, is a 401.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = ServiceSecurityTest.App.class,
        properties = {"eventshop.service-name=rotating", "eventshop.eventstore.engine=memory",
                "eventshop.relay.enabled=false", "spring.datasource.url=jdbc:h2:mem:rotating;DB_CLOSE_DELAY=-1",
                "eventshop.security.enabled=true", "eventshop.security.token-secret=" + EdgeTokenRotationTest.NEW,
                "eventshop.security.previous-token-secrets=" + EdgeTokenRotationTest.OLD})
class EdgeTokenRotationTest {

    static final String OLD = ServiceSecurityTest.SECRET;
    static final String NEW = "bmV3IGtleSBvZiB0aGlydHktdHdvIGJ5dGVzIG9yIG1vcmUh";
    static final String FOREIGN = "c29tZWJvZHkgZWxzZSdzIGtleSBvZiAzMiBieXRlcyEh";
    static final EdgeUser ALICE = EdgeUser.customer("alice", "alice@example.com");

    @LocalServerPort
    int port;

    @Autowired
    EdgeTokens tokens;

    private HttpStatus status(String token) {
        return RestClient.create("http://localhost:" + port).get().uri("/api/mine")
                .headers(headers -> headers.setBearerAuth(token))
                .exchange((request, response) -> HttpStatus.valueOf(response.getStatusCode().value()));
    }

    @Test
    void tokensOfTheNewAndThePreviousKey_areTaken_andNewOnesNameTheNewKey() {
        String minted = tokens.mint(ALICE);
        assertThat(header(minted)).contains("\"kid\":\"" + TokenKeys.parse(NEW, null).current().id() + "\"");
        assertThat(status(minted)).isEqualTo(HttpStatus.OK);
        assertThat(status(EdgeTokens.fromBase64(OLD, Clock.systemUTC()).mint(ALICE))).isEqualTo(HttpStatus.OK);
    }

    @Test
    void aTokenOfAnUnknownKey_orForgedAroundTheKeys_is401() {
        String good = tokens.mint(ALICE);
        String[] parts = good.split("\\.");
        String oldKid = TokenKeys.parse(OLD, null).current().id();
        String foreign = EdgeTokens.fromBase64(FOREIGN, Clock.systemUTC()).mint(ALICE);
        String algNone = base64Url("{\"alg\":\"none\"}") + "." + parts[1] + ".";
        String admin = parts[0] + "." + base64Url(payload(good).replace("\"CUSTOMER\"", "\"ADMIN\"")) + "." + parts[2];
        // the foreign key's token, its header naming the old key instead (the signature no longer matches either)
        String[] foreignParts = foreign.split("\\.");
        String wrongKid = base64Url(header(foreign).replaceAll("\"kid\":\"[^\"]+\"", "\"kid\":\"" + oldKid + "\""))
                + "." + foreignParts[1] + "." + foreignParts[2];

        for (String token : new String[] {foreign, algNone, admin, wrongKid}) {
            assertThat(status(token)).as(token).isEqualTo(HttpStatus.UNAUTHORIZED);
        }
    }

    @Test
    void onceThePreviousKeyIsDropped_itsTokensAreRefused() {
        String old = EdgeTokens.fromBase64(OLD, Clock.systemUTC()).mint(ALICE);
        assertThat(EdgeTokens.fromBase64(NEW, OLD, Clock.systemUTC()).decoder(EdgeToken.SERVICES_AUDIENCE).decode(old)
                .getSubject()).isEqualTo("alice");
        assertThatThrownBy(() -> EdgeTokens.fromBase64(NEW, null, Clock.systemUTC()).decoder(EdgeToken.SERVICES_AUDIENCE)
                .decode(old)).isInstanceOf(JwtException.class);
    }

    @Test
    void anUnusablePreviousKey_isATypedError_namingTheSetting() {
        assertThatThrownBy(() -> EdgeTokens.fromBase64(NEW, OLD + ",not base64!", Clock.systemUTC()))
                .isInstanceOfSatisfying(InvalidTokenKey.class,
                        invalid -> assertThat(invalid.property()).isEqualTo(TokenKeys.PREVIOUS_PROPERTY));
    }

    private static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String header(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
    }

    private static String payload(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    }
}
