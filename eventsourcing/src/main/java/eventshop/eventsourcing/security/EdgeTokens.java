package eventshop.eventsourcing.security;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import eventshop.edgetoken.EdgeToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Mints and verifies the tokens of {@link EdgeToken}: HMAC-SHA256 JWTs under one shared secret.
 * Services verify with {@link #decoder(String)} (audience {@link EdgeToken#SERVICES_AUDIENCE}); tests
 * and edge-like callers mint with {@link #mint}. Thread-safe.
 */
public final class EdgeTokens {

    /** How long a services token lives: edge mints one per forwarded request. */
    public static final Duration SERVICES_TTL = Duration.ofSeconds(60);

    private static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

    private final SecretKey key;
    private final Clock clock;
    private final JwtEncoder encoder;

    public EdgeTokens(byte[] secret, Clock clock) {
        if (secret == null || secret.length < 32) {
            throw new IllegalArgumentException("the edge token secret must be at least 32 bytes (256 bits)");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.clock = clock;
        this.encoder = new NimbusJwtEncoder(new ImmutableSecret<>(key));
    }

    /**
     * From the base64 form of {@code eventshop.security.token-secret}.
     *
     * @throws IllegalArgumentException if it is missing, not base64 or shorter than 32 bytes
     */
    public static EdgeTokens fromBase64(String secret, Clock clock) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("eventshop.security.token-secret is not set: give every service and edge"
                    + " the same base64 secret of at least 32 bytes (the launcher generates one in its data directory)");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(secret.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("eventshop.security.token-secret is not valid base64", e);
        }
        return new EdgeTokens(bytes, clock);
    }

    /** A services token for {@code user}, valid for {@link #SERVICES_TTL}. */
    public String mint(EdgeUser user) {
        return mint(user, EdgeToken.SERVICES_AUDIENCE, SERVICES_TTL);
    }

    /** A token for {@code user} with the given audience and lifetime. */
    public String mint(EdgeUser user, String audience, Duration ttl) {
        Instant now = clock.instant();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(EdgeToken.ISSUER)
                .audience(List.of(audience))
                .subject(user.id())
                .issuedAt(now)
                .expiresAt(now.plus(ttl))
                .claim(EdgeToken.EMAIL, user.email())
                .claim(EdgeToken.ROLES, new ArrayList<>(user.roles()))
                .build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
                .getTokenValue();
    }

    /** A decoder that accepts only unexpired tokens of this secret, issued by edge, for {@code audience}. */
    public JwtDecoder decoder(String audience) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build();
        JwtTimestampValidator expiry = new JwtTimestampValidator(CLOCK_SKEW);
        expiry.setClock(clock);
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(expiry,
                new JwtIssuerValidator(EdgeToken.ISSUER),
                new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience)),
                new JwtClaimValidator<Instant>(JwtClaimNames.EXP, exp -> exp != null));
        decoder.setJwtValidator(validator);
        return decoder;
    }

    /** The caller a verified token names. */
    public static EdgeUser user(Jwt jwt) {
        Set<String> roles = new HashSet<>();
        Object claim = jwt.getClaims().get(EdgeToken.ROLES);
        if (claim instanceof Collection<?> values) {
            values.forEach(value -> roles.add(String.valueOf(value)));
        }
        String email = jwt.getClaimAsString(EdgeToken.EMAIL);
        return new EdgeUser(jwt.getSubject(), email, roles);
    }
}
