package eventshop.eventsourcing.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventsourcing.privacy.PrivacyErrors.InvalidMasterKey;
import eventshop.eventsourcing.privacy.PrivacyErrors.WrongMasterKey;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

class JdbcSubjectKeysTest {

    private final JdbcTemplate jdbc = new JdbcTemplate(SealingTest.database());
    private final String master = MasterKey.generateBase64();
    private final JdbcSubjectKeys keys = new JdbcSubjectKeys(jdbc, MasterKey.fromBase64(master), Clock.systemUTC());

    @Test
    void aKey_isMadeOnce_andStoredOnlyWrapped() {
        SecretKey key = keys.obtain("s-1");

        assertThat(keys.obtain("s-1").getEncoded()).isEqualTo(key.getEncoded());
        String stored = jdbc.queryForObject("SELECT wrapped_key FROM privacy_subject_keys WHERE subject = 's-1'",
                String.class);
        assertThat(Base64.getDecoder().decode(stored)).hasSize(12 + 32 + 16);
        assertThat(stored).doesNotContain(Base64.getEncoder().encodeToString(key.getEncoded()));
    }

    @Test
    void anotherInstanceOverTheSameDatabase_unwrapsTheSameKey() {
        SecretKey key = keys.obtain("s-1");

        JdbcSubjectKeys again = new JdbcSubjectKeys(jdbc, MasterKey.fromBase64(master), Clock.systemUTC());

        assertThat(again.find("s-1")).map(SecretKey::getEncoded).contains(key.getEncoded());
        assertThat(again.find("s-2")).isEmpty();
    }

    @Test
    void aWrongMasterKey_isRefusedAtStart() {
        keys.obtain("s-1");

        assertThatThrownBy(() -> new JdbcSubjectKeys(jdbc, MasterKey.fromBase64(MasterKey.generateBase64()),
                Clock.systemUTC())).isInstanceOf(WrongMasterKey.class);
    }

    @Test
    void aWrappedKey_movedToAnotherSubject_doesNotUnwrap() {
        keys.obtain("s-1");
        jdbc.update("INSERT INTO privacy_subject_keys (subject, wrapped_key, created_at)"
                + " SELECT 's-2', wrapped_key, created_at FROM privacy_subject_keys WHERE subject = 's-1'");

        JdbcSubjectKeys fresh = new JdbcSubjectKeys(jdbc, MasterKey.fromBase64(master), Clock.systemUTC());
        assertThatThrownBy(() -> fresh.find("s-2")).isInstanceOf(WrongMasterKey.class);
    }

    @Test
    void forgetting_deletesTheKeyRow_andRemembersTheSubject() {
        keys.obtain("s-1");

        keys.forget("s-1");

        assertThat(jdbc.queryForList("SELECT subject FROM privacy_subject_keys", String.class)).isEmpty();
        assertThat(jdbc.queryForList("SELECT subject FROM privacy_forgotten_subjects", String.class))
                .isEqualTo(List.of("s-1"));
        assertThat(keys.find("s-1")).isEmpty();
        JdbcSubjectKeys fresh = new JdbcSubjectKeys(jdbc, MasterKey.fromBase64(master), Clock.systemUTC());
        assertThat(fresh.find("s-1")).isEmpty();
    }

    @Test
    void aKeyLeftBehindByACrashDuringForgetting_isNeverServed() {
        keys.obtain("s-1");
        jdbc.update("INSERT INTO privacy_forgotten_subjects (subject, forgotten_at) VALUES ('s-1', CURRENT_TIMESTAMP)");

        JdbcSubjectKeys fresh = new JdbcSubjectKeys(jdbc, MasterKey.fromBase64(master), Clock.systemUTC());
        assertThat(fresh.find("s-1")).isEmpty();
    }

    @Test
    void aMasterKey_isTheBase64Of32Bytes() {
        assertThatThrownBy(() -> MasterKey.fromBase64("")).isInstanceOf(InvalidMasterKey.class);
        assertThatThrownBy(() -> MasterKey.fromBase64("not base64!")).isInstanceOf(InvalidMasterKey.class);
        assertThatThrownBy(() -> MasterKey.fromBase64(Base64.getEncoder().encodeToString(new byte[16])))
                .isInstanceOf(InvalidMasterKey.class).hasMessageContaining("16 bytes");
        assertThat(MasterKey.fromBase64(master).toString()).doesNotContain(master);
    }

    @Test
    void theBlindIndex_isKeyed_perPurpose_andStable() {
        MasterKey key = MasterKey.fromBase64(master);
        BlindIndex email = new BlindIndex(key, "email");

        assertThat(email.of("a@example.com")).hasSize(64).isEqualTo(new BlindIndex(key, "email").of("a@example.com"))
                .isNotEqualTo(email.of("b@example.com"))
                .isNotEqualTo(new BlindIndex(key, "other").of("a@example.com"))
                .isNotEqualTo(new BlindIndex(MasterKey.fromBase64(MasterKey.generateBase64()), "email")
                        .of("a@example.com"));
    }
}
