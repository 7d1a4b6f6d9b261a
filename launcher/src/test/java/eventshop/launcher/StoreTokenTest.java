package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.security.EdgeTokens;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;

/** {@code store token}: a services token with the admin role, for a metrics scraper (the services' actuator is the admin's). */
class StoreTokenTest {

    @TempDir
    Path data;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int store(String... args) {
        return Store.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsAServicesTokenWithTheAdminRole_signedWithTheStoresSecret_goodForTheHoursAsked() {
        Secrets secrets = Secrets.load(data.resolve("secrets"), null);

        int status = store("token", "--data", data.toString(), "--hours", "2");

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String token = out.toString(StandardCharsets.UTF_8).strip();
        Jwt jwt = EdgeTokens.fromBase64(secrets.tokenSecret(), Clock.systemUTC()).decoder(EdgeToken.SERVICES_AUDIENCE)
                .decode(token);
        assertThat(jwt.getClaimAsStringList(EdgeToken.ROLES)).containsExactly(EdgeToken.ADMIN);
        assertThat(jwt.getSubject()).isEqualTo(Store.METRICS_READER);
        assertThat(Duration.between(Instant.now(), jwt.getExpiresAt())).isBetween(Duration.ofMinutes(119), Duration.ofHours(2));
        // a store with another secret does not take it, nor does edge (a services token is no session token)
        assertThatThrownBy(() -> EdgeTokens.fromBase64(Secrets.load(data.resolve("other"), null).tokenSecret(),
                Clock.systemUTC()).decoder(EdgeToken.SERVICES_AUDIENCE).decode(token)).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> EdgeTokens.fromBase64(secrets.tokenSecret(), Clock.systemUTC())
                .decoder(EdgeToken.SESSION_AUDIENCE).decode(token)).isInstanceOf(JwtException.class);
    }

    @Test
    void withoutTheStoresSecret_itSaysWhereItLooked() {
        int status = store("token", "--data", data.resolve("nothing-here").toString());

        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no token secret").contains(Secrets.TOKEN_SECRET_ENV)
                .contains("nothing-here");
    }

    @Test
    void aBadOption_isAUsageError() {
        assertThat(store("token", "--hours", "0")).isEqualTo(2);
        assertThat(store("token", "--hours", "8761")).isEqualTo(2);
        assertThat(store("token", "--minutes", "5")).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
