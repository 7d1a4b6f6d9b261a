package eventshop.edge;

import eventshop.edgetoken.EdgeToken;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Tokens made by hand, good and bad, and a reader for the tokens edge mints (signature checked only). A
 * session token is good only for a session edge opened ({@code EdgeTest#session}).
 */
final class TestTokens {

    static final String SECRET = "ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=";
    static final String OTHER_SECRET = Base64.getEncoder().encodeToString("another-secret-of-32-bytes-or-more!".getBytes());

    private TestTokens() {
    }

    /** A token made by hand; {@code sessionId} is its {@code sid} claim (none if null). */
    static String mint(String secret, String audience, String subject, List<String> roles, Instant issuedAt,
                       Instant expiresAt, String sessionId) {
        var key = new SecretKeySpec(Base64.getDecoder().decode(secret), "HmacSHA256");
        var encoder = NimbusJwtEncoder.withSecretKey(key).algorithm(MacAlgorithm.HS256).build();
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .issuer(EdgeToken.ISSUER)
                .audience(List.of(audience))
                .subject(subject)
                .claim(EdgeToken.EMAIL, subject + "@example.com")
                .claim(EdgeToken.ROLES, roles)
                .issuedAt(issuedAt);
        if (expiresAt != null) {
            claims.expiresAt(expiresAt);
        }
        if (sessionId != null) {
            claims.claim("sid", sessionId);
        }
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).type("JWT").build(), claims.build()))
                .getTokenValue();
    }

    /** Reads a token edge minted, checking only its signature (the test looks at the claims itself). */
    static Jwt read(String token) {
        var key = new SecretKeySpec(Base64.getDecoder().decode(SECRET), "HmacSHA256");
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build();
        decoder.setJwtValidator(jwt -> org.springframework.security.oauth2.core.OAuth2TokenValidatorResult.success());
        return decoder.decode(token);
    }
}
