package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.edgetoken.TokenKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's token keys in its secrets directory, and rotating them ({@link Secrets#rotateKey}). */
class SecretsTest {

    static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");

    @TempDir
    Path secrets;

    static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    static String id(String base64) {
        return TokenKeys.keyId(Base64.getDecoder().decode(base64));
    }

    @Test
    void aRotation_makesANewCurrentKey_andKeepsTheOldOneVerifyingForTheOverlap_thenDropsIt() throws IOException {
        Secrets first = Secrets.load(secrets, "pw", at(T0));
        assertThat(first.previousTokenSecrets()).isEmpty();

        Secrets.Rotation rotation = Secrets.rotateKey(secrets, Duration.ofHours(8), at(T0));
        Secrets rotated = Secrets.load(secrets, "pw", at(T0.plusSeconds(60)));

        assertThat(rotated.tokenSecret()).isNotEqualTo(first.tokenSecret());
        assertThat(rotation.newKeyId()).isEqualTo(id(rotated.tokenSecret()));
        assertThat(rotated.previousTokenSecrets()).isEqualTo(first.tokenSecret());
        assertThat(rotation.previousKeyIds()).containsExactly(
                java.util.Map.entry(id(first.tokenSecret()), T0.plus(Duration.ofHours(8))));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                secrets.resolve(Secrets.PREVIOUS_TOKEN_SECRETS)))).isEqualTo("rw-------");

        // a second rotation within the overlap: both earlier keys still verify, each until its own end
        Secrets.rotateKey(secrets, Duration.ofHours(8), at(T0.plus(Duration.ofHours(1))));
        Secrets twice = Secrets.load(secrets, "pw", at(T0.plus(Duration.ofHours(2))));
        assertThat(twice.previousTokenSecrets().split(","))
                .containsExactly(first.tokenSecret(), rotated.tokenSecret());

        Secrets later = Secrets.load(secrets, "pw", at(T0.plus(Duration.ofHours(8)).plusSeconds(1)));
        assertThat(later.tokenSecret()).isEqualTo(twice.tokenSecret());
        assertThat(later.previousTokenSecrets()).isEqualTo(rotated.tokenSecret());
        assertThat(Files.readString(secrets.resolve(Secrets.PREVIOUS_TOKEN_SECRETS))).doesNotContain(first.tokenSecret());
    }

    @Test
    void aRotationWithoutOverlap_dropsEveryPreviousKey() {
        Secrets.load(secrets, "pw", at(T0));
        Secrets.rotateKey(secrets, Duration.ofHours(8), at(T0));
        Secrets.Rotation leak = Secrets.rotateKey(secrets, Duration.ZERO, at(T0.plusSeconds(10)));

        assertThat(leak.previousKeyIds()).isEmpty();
        assertThat(Secrets.load(secrets, "pw", at(T0.plusSeconds(11))).previousTokenSecrets()).isEmpty();
        assertThatThrownBy(() -> Secrets.rotateKey(secrets, Duration.ofSeconds(-1), at(T0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void storeRotateKey_rotatesTheDataDirectorysKey_andRefusesABadOverlap(@TempDir Path data) {
        Secrets before = Secrets.load(data.resolve("secrets"), "pw");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();

        int status = Store.run(new String[] {"rotate-key", "--data", data.toString(), "--overlap", "2h"},
                new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));

        Secrets after = Secrets.load(data.resolve("secrets"), "pw");
        assertThat(status).as(err.toString()).isZero();
        assertThat(after.previousTokenSecrets()).isEqualTo(before.tokenSecret());
        assertThat(out.toString()).contains(id(after.tokenSecret()), id(before.tokenSecret()))
                .doesNotContain(before.tokenSecret(), after.tokenSecret());
        for (String bad : new String[] {"-1h", "8", "1d", "soon"}) {
            assertThat(Store.run(new String[] {"rotate-key", "--data", data.toString(), "--overlap", bad},
                    new java.io.PrintStream(out, true), new java.io.PrintStream(err, true))).as(bad).isEqualTo(2);
        }
        assertThat(err.toString()).contains("--overlap: not a duration");
        assertThat(Secrets.load(data.resolve("secrets"), "pw").tokenSecret()).isEqualTo(after.tokenSecret());
    }

    @Test
    void unusableKeyFiles_areTypedErrors_namingTheFile() throws IOException {
        Secrets.load(secrets, "pw", at(T0));
        Path previous = secrets.resolve(Secrets.PREVIOUS_TOKEN_SECRETS);

        Files.writeString(previous, "c2hvcnQ= until 2099-01-01T00:00:00Z\n");
        assertThatThrownBy(() -> Secrets.load(secrets, "pw", at(T0))).isInstanceOfSatisfying(Secrets.InvalidSecret.class,
                invalid -> assertThat(invalid.file()).isEqualTo(previous)).hasMessageContaining("fewer than 32 bytes");

        Files.writeString(previous, "some-key tomorrow\n");
        assertThatThrownBy(() -> Secrets.load(secrets, "pw", at(T0))).isInstanceOf(Secrets.InvalidSecret.class)
                .hasMessageContaining("until <instant>");

        Files.writeString(previous, "c2hvcnQ= until next-week\n");
        assertThatThrownBy(() -> Secrets.load(secrets, "pw", at(T0))).isInstanceOf(Secrets.InvalidSecret.class)
                .hasMessageContaining("not an instant");

        Files.delete(previous);
        Files.writeString(secrets.resolve(Secrets.TOKEN_SECRET), "not base64!\n");
        assertThatThrownBy(() -> Secrets.load(secrets, "pw", at(T0))).isInstanceOfSatisfying(Secrets.InvalidSecret.class,
                invalid -> assertThat(invalid.file()).isEqualTo(secrets.resolve(Secrets.TOKEN_SECRET)));
    }
}
