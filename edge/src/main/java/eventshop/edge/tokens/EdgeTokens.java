package eventshop.edge.tokens;

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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Mints and checks the tokens of {@link EdgeToken}: session tokens (what a user gets from login and
 * presents to edge) and services tokens (what edge puts on every request it forwards, short-lived).
 * Both are HS256 JWTs, told apart by their audience, signed with the current key of {@link TokenKeys} and naming it
 * in their header ({@code kid}); a token verifies under the key its {@code kid} names, the current one or a previous
 * one still configured (a rotation's overlap), and under no other. A session token also names
 * the server-side session it belongs to ({@value #SESSION_ID}); whether that session still exists is
 * checked by {@code eventshop.edge.sessions}, not here. Thread-safe.
 */
public final class EdgeTokens {

    /** The claim of a session token that names its server-side session (the OpenID Connect claim name). */
    public static final String SESSION_ID = "sid";

    private final JwtEncoder encoder;
    private final String keyId;
    private final JwtDecoder sessionDecoder;
    private final JwtDecoder servicesDecoder;
    private final Clock clock;
    private final Duration sessionTtl;
    private final Duration servicesTokenTtl;

    public EdgeTokens(TokenKeys keys, Clock clock, Duration sessionTtl, Duration servicesTokenTtl) {
        this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(jwk(keys.current()))));
        this.keyId = keys.current().id();
        this.sessionDecoder = decoder(keys, clock, EdgeToken.SESSION_AUDIENCE,
                new JwtClaimValidator<String>(SESSION_ID, id -> id != null && !id.isBlank()));
        this.servicesDecoder = decoder(keys, clock, EdgeToken.SERVICES_AUDIENCE);
        this.clock = clock;
        this.sessionTtl = sessionTtl;
        this.servicesTokenTtl = servicesTokenTtl;
    }

    /**
     * A login's bearer token for the server-side session {@code sessionId}: good at edge only, for at most
     * the session lifetime, and only while that session exists.
     */
    public Session mintSession(Caller caller, String sessionId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = now.plus(sessionTtl);
        return new Session(mint(caller, EdgeToken.SESSION_AUDIENCE, now, expiresAt, sessionId, null), expiresAt);
    }

    /** The token a forwarded request carries to a service. */
    public String mintForServices(Caller caller) {
        return mintForServices(caller, null);
    }

    /**
     * The token a forwarded request carries to a service, naming the address of the client it came from
     * ({@link EdgeToken#CLIENT_ADDRESS}; null: none), which the services' limits per client count by.
     */
    public String mintForServices(Caller caller, String clientAddress) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return mint(caller, EdgeToken.SERVICES_AUDIENCE, now, now.plus(servicesTokenTtl), null, clientAddress);
    }

    /**
     * Checks signature, issuer, session audience, expiry and the presence of a session id of a token a
     * client presents (not whether the session still exists).
     */
    public JwtDecoder sessionDecoder() {
        return sessionDecoder;
    }

    /**
     * Checks signature, issuer, services audience and expiry of a services token: one edge minted for a request
     * it forwarded, which that service (web) relays back to edge ({@code /internal/ops/**}). A session token is
     * refused here, as a services token is by {@link #sessionDecoder()}.
     */
    public JwtDecoder servicesDecoder() {
        return servicesDecoder;
    }

    /** The caller a verified session token speaks for. */
    public static Caller caller(Jwt session) {
        List<String> roles = session.getClaimAsStringList(EdgeToken.ROLES);
        return new Caller(session.getSubject(), session.getClaimAsString(EdgeToken.EMAIL),
                roles == null ? List.of() : roles);
    }

    /** The server-side session a verified session token belongs to. */
    public static String sessionId(Jwt session) {
        return session.getClaimAsString(SESSION_ID);
    }

    private String mint(Caller caller, String audience, Instant issuedAt, Instant expiresAt, String sessionId,
                        String clientAddress) {
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .id(UUID.randomUUID().toString())
                .issuer(EdgeToken.ISSUER)
                .audience(List.of(audience))
                .subject(caller.id())
                .issuedAt(issuedAt)
                .expiresAt(expiresAt)
                .claim(EdgeToken.ROLES, caller.roles());
        if (caller.email() != null) {
            claims.claim(EdgeToken.EMAIL, caller.email());
        }
        if (sessionId != null) {
            claims.claim(SESSION_ID, sessionId);
        }
        if (clientAddress != null) {
            claims.claim(EdgeToken.CLIENT_ADDRESS, clientAddress);
        }
        JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).type("JWT").keyId(keyId).build();
        return encoder.encode(JwtEncoderParameters.from(header, claims.build())).getTokenValue();
    }

    @SafeVarargs
    static NimbusJwtDecoder decoder(TokenKeys keys, Clock clock, String audience, OAuth2TokenValidator<Jwt>... more) {
        // the key a token's kid names, of every configured key (a token without one is tried with each)
        List<JWK> verifying = keys.all().stream().map(EdgeTokens::jwk).toList();
        JWSVerificationKeySelector<SecurityContext> byKeyId =
                new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableJWKSet<>(new JWKSet(verifying)));
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(keys.current().secret()).macAlgorithm(MacAlgorithm.HS256)
                .jwtProcessorCustomizer(processor -> processor.setJWSKeySelector(byKeyId))
                .build();
        JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ofSeconds(5));
        timestamps.setClock(clock);
        timestamps.setAllowEmptyExpiryClaim(false);
        Collection<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(timestamps);
        validators.add(JwtTypeValidator.jwt());
        validators.add(new JwtIssuerValidator(EdgeToken.ISSUER));
        validators.add(new JwtAudienceValidator(audience));
        validators.add(new JwtClaimValidator<String>(JwtClaimNames.SUB, subject -> subject != null && !subject.isBlank()));
        validators.addAll(List.of(more));
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return decoder;
    }

    private static JWK jwk(TokenKeys.Key key) {
        return new OctetSequenceKey.Builder(key.secret()).keyID(key.id()).algorithm(JWSAlgorithm.HS256).build();
    }

    /** A session token and when it expires. */
    public record Session(String token, Instant expiresAt) {
    }
}
