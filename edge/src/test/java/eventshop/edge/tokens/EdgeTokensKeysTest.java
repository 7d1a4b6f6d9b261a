package eventshop.edge.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.edgetoken.EdgeToken;
import eventshop.edgetoken.InvalidTokenKey;
import eventshop.edgetoken.TokenKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import eventshop.edge.EdgeProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Rotating edge's signing key with an overlap: tokens of the previous key verify until they expire, new ones are
 * signed with the new key and name it ({@code kid}); a token of a key no longer (or never) configured does not
 * verify, nor does any token forged around the key: alg none, a changed payload, a kid that names another key.
 */
class EdgeTokensKeysTest {

    static final String OLD = base64("the old key, thirty-two bytes long");
    static final String NEW = base64("the new key, thirty-two bytes long");
    static final String FOREIGN = base64("somebody else's key of 32 bytes!!");
    static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");
    static final Caller ALICE = new Caller("alice", "alice@example.com", List.of(EdgeToken.CUSTOMER));

    static EdgeTokens tokens(String current, String previous, Instant at) {
        return new EdgeTokens(TokenKeys.parse(current, previous), Clock.fixed(at, ZoneOffset.UTC),
                Duration.ofHours(8), Duration.ofSeconds(60));
    }

    @Test
    void afterARotation_theOldKeysTokensVerifyUntilTheyExpire_andNewTokensAreSignedWithTheNewKey() {
        String oldSession = tokens(OLD, null, NOW).mintSession(ALICE, "s-1").token();
        String oldServices = tokens(OLD, null, NOW).mintForServices(ALICE);

        EdgeTokens rotated = tokens(NEW, OLD, NOW.plusSeconds(30));
        assertThat(rotated.sessionDecoder().decode(oldSession).getSubject()).isEqualTo("alice");
        assertThat(rotated.servicesDecoder().decode(oldServices).getSubject()).isEqualTo("alice");

        String newSession = rotated.mintSession(ALICE, "s-2").token();
        assertThat(header(newSession)).contains("\"kid\":\"" + TokenKeys.parse(NEW, null).current().id() + "\"");
        assertThat(tokens(NEW, null, NOW).sessionDecoder().decode(newSession).getSubject()).isEqualTo("alice");
        assertThatThrownBy(() -> tokens(OLD, null, NOW).sessionDecoder().decode(newSession))
                .as("the old key alone does not verify the new key's tokens").isInstanceOf(JwtException.class);

        assertThatThrownBy(() -> tokens(NEW, OLD, NOW.plus(Duration.ofHours(8)).plusSeconds(6)).sessionDecoder()
                .decode(oldSession)).as("expired, old key or not").isInstanceOf(JwtException.class);
    }

    @Test
    void onceTheOldKeyIsDropped_itsTokensDoNotVerify() {
        String oldSession = tokens(OLD, null, NOW).mintSession(ALICE, "s-1").token();
        assertThatThrownBy(() -> tokens(NEW, null, NOW).sessionDecoder().decode(oldSession))
                .isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> tokens(NEW, "", NOW).servicesDecoder().decode(tokens(OLD, null, NOW).mintForServices(ALICE)))
                .isInstanceOf(JwtException.class);
    }

    @Test
    void aTokenOfAnUnknownKey_doesNotVerify() {
        String foreign = tokens(FOREIGN, null, NOW).mintSession(ALICE, "s-1").token();
        assertThatThrownBy(() -> tokens(NEW, OLD, NOW).sessionDecoder().decode(foreign)).isInstanceOf(JwtException.class);
    }

    @Test
    void forgeries_doNotVerify() {
        EdgeTokens tokens = tokens(NEW, OLD, NOW);
        String good = tokens.mintSession(ALICE, "s-1").token();
        String[] parts = good.split("\\.");
        String oldKid = TokenKeys.parse(OLD, null).current().id();

        String header = header(good);
        String payload = payload(good);
        String algNone = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        String tampered = parts[0] + "." + base64Url(payload.replace("\"CUSTOMER\"", "\"ADMIN\"")) + "." + parts[2];
        // signed with the new key, but the header names the old key, or no configured key
        String otherKid = sign(header.replaceAll("\"kid\":\"[^\"]+\"", "\"kid\":\"" + oldKid + "\""), payload, NEW, "HmacSHA256");
        String unknownKid = sign(header.replaceAll("\"kid\":\"[^\"]+\"", "\"kid\":\"no-such-key\""), payload, NEW, "HmacSHA256");
        // signed with the new key under another algorithm than the one edge uses
        String hs512 = sign(header.replace("HS256", "HS512"), payload, NEW, "HmacSHA512");
        // signed with a key edge does not have, naming edge's key
        String foreignKey = sign(header, payload, FOREIGN, "HmacSHA256");

        assertThat(payload).contains("\"CUSTOMER\"");
        assertThat(sign(header, payload, NEW, "HmacSHA256")).as("the helper signs as edge does").isEqualTo(good);
        for (String forged : List.of(algNone, tampered, otherKid, unknownKid, hs512, foreignKey, "", "a.b.c", good + "x")) {
            assertThatThrownBy(() -> tokens.sessionDecoder().decode(forged)).as(forged).isInstanceOf(JwtException.class);
        }
        assertThat(tokens.sessionDecoder().decode(good).getSubject()).isEqualTo("alice");
    }

    @Test
    void aSessionTokenIsNotAServicesToken_norTheOtherWayRound_underAnyKey() {
        EdgeTokens old = tokens(OLD, null, NOW);
        EdgeTokens rotated = tokens(NEW, OLD, NOW);
        assertThatThrownBy(() -> rotated.servicesDecoder().decode(old.mintSession(ALICE, "s-1").token()))
                .isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> rotated.sessionDecoder().decode(old.mintForServices(ALICE)))
                .isInstanceOf(JwtException.class);
    }

    @Test
    void anUnusablePreviousKey_stopsEdge_namingTheSetting() {
        assertThatThrownBy(() -> tokens(NEW, OLD + ",c2hvcnQ=", NOW)).isInstanceOfSatisfying(InvalidTokenKey.class,
                invalid -> assertThat(invalid.property()).isEqualTo(TokenKeys.PREVIOUS_PROPERTY));
    }

    @Test
    void edgeTakesBothSettings_andDoesNotStartWithoutAKey() {
        String old = tokens(OLD, null, Instant.now()).mintSession(ALICE, "s-1").token();
        ApplicationContextRunner edge = new ApplicationContextRunner()
                .withUserConfiguration(TokenConfiguration.class, Settings.class);

        edge.withPropertyValues(TokenKeys.SECRET_PROPERTY + "=" + NEW, TokenKeys.PREVIOUS_PROPERTY + "=" + OLD)
                .run(context -> assertThat(context.getBean(EdgeTokens.class).sessionDecoder().decode(old).getSubject())
                        .isEqualTo("alice"));
        edge.withPropertyValues(TokenKeys.SECRET_PROPERTY + "=" + NEW)
                .run(context -> assertThatThrownBy(() -> context.getBean(EdgeTokens.class).sessionDecoder().decode(old))
                        .isInstanceOf(JwtException.class));
        edge.withPropertyValues(TokenKeys.PREVIOUS_PROPERTY + "=" + OLD)
                .run(context -> assertThat(context).getFailure().rootCause().isInstanceOf(InvalidTokenKey.class));
    }

    @EnableConfigurationProperties(EdgeProperties.class)
    static class Settings {
    }

    /** A JWS of this header and payload (JSON), signed with the base64 key under the JCA MAC algorithm. */
    private static String sign(String header, String payload, String key, String algorithm) {
        try {
            String input = base64Url(header) + "." + base64Url(payload);
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(key), algorithm));
            return input + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
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
