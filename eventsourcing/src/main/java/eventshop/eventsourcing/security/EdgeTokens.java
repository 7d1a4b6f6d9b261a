package eventshop.eventsourcing.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import eventshop.edgetoken.EdgeToken;
import eventshop.edgetoken.TokenKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * Mints and verifies the tokens of {@link EdgeToken}: HMAC-SHA256 JWTs under the keys of {@link TokenKeys}.
 * Services verify with {@link #decoder(String)} (audience {@link EdgeToken#SERVICES_AUDIENCE}) under the key a
 * token's {@code kid} names: the current key or a previous one still configured (a rotation's overlap); tests
 * and edge-like callers mint with {@link #mint}, under the current key. Thread-safe.
 */
public final class EdgeTokens {

    /** How long a services token lives: edge mints one per forwarded request. */
    public static final Duration SERVICES_TTL = Duration.ofSeconds(60);

    private static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

    private final TokenKeys keys;
    private final Clock clock;
    private final JwtEncoder encoder;

    /** With only this key. @throws eventshop.edgetoken.InvalidTokenKey if it is shorter than 32 bytes */
    public EdgeTokens(byte[] secret, Clock clock) {
        this(TokenKeys.of(secret), clock);
    }

    public EdgeTokens(TokenKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
        this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(jwk(keys.current()))));
    }

    /**
     * From the base64 form of {@code eventshop.security.token-secret}.
     *
     * @throws eventshop.edgetoken.InvalidTokenKey if it is missing, not base64 or shorter than 32 bytes
     */
    public static EdgeTokens fromBase64(String secret, Clock clock) {
        return fromBase64(secret, null, clock);
    }

    /**
     * From {@code eventshop.security.token-secret} and {@code eventshop.security.previous-token-secrets}.
     *
     * @param previous null or blank for none
     * @throws eventshop.edgetoken.InvalidTokenKey if the current key is missing, or a key is not base64 or
     *                                             shorter than 32 bytes
     */
    public static EdgeTokens fromBase64(String secret, String previous, Clock clock) {
        return new EdgeTokens(TokenKeys.parse(secret, previous), clock);
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
        JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).keyId(keys.current().id()).build();
        return encoder.encode(JwtEncoderParameters.from(header, claims))
                .getTokenValue();
    }

    /**
     * A decoder that accepts only unexpired tokens issued by edge for {@code audience}, signed with the key their
     * {@code kid} names (a token without one is tried with each key).
     */
    public JwtDecoder decoder(String audience) {
        List<JWK> verifying = keys.all().stream().map(EdgeTokens::jwk).toList();
        JWSVerificationKeySelector<SecurityContext> byKeyId =
                new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableJWKSet<>(new JWKSet(verifying)));
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(keys.current().secret()).macAlgorithm(MacAlgorithm.HS256)
                .jwtProcessorCustomizer(processor -> processor.setJWSKeySelector(byKeyId))
                .build();
        JwtTimestampValidator expiry = new JwtTimestampValidator(CLOCK_SKEW);
        expiry.setClock(clock);
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(expiry,
                new JwtIssuerValidator(EdgeToken.ISSUER),
                new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience)),
                new JwtClaimValidator<Instant>(JwtClaimNames.EXP, exp -> exp != null));
        decoder.setJwtValidator(validator);
        return decoder;
    }

    private static JWK jwk(TokenKeys.Key key) {
        return new OctetSequenceKey.Builder(key.secret()).keyID(key.id()).algorithm(JWSAlgorithm.HS256).build();
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
