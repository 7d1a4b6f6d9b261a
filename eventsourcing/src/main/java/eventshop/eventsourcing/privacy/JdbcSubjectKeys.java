package eventshop.eventsourcing.privacy;

import eventshop.eventsourcing.privacy.PrivacyErrors.SubjectForgotten;
import eventshop.eventsourcing.privacy.PrivacyErrors.WrongMasterKey;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The key store of the service that owns its data subjects, in that service's database (H2 or PostgreSQL):
 *
 * <pre>
 * privacy_subject_keys       (subject VARCHAR(64) PRIMARY KEY, wrapped_key VARCHAR(100) NOT NULL, created_at TIMESTAMP)
 * privacy_forgotten_subjects (subject VARCHAR(64) PRIMARY KEY, forgotten_at TIMESTAMP)
 * </pre>
 *
 * A key row holds the subject's random AES-256 key wrapped by the {@link MasterKey} (AES-GCM, base64 of nonce ‖
 * ciphertext+tag, bound to the subject). {@link #forget} first records the subject as forgotten, then deletes its key
 * row: a forgotten subject is never given a key again ({@link #obtain} throws {@link SubjectForgotten}), so an event
 * arriving late for it cannot be sealed to a readable value, and a crash between the two steps leaves a key that is
 * never served. Tables are made at construction if missing. Keys are cached in memory only, for 30 s at most (what
 * another instance of the owner may go on serving after one forgot the subject; the forgetting instance drops its
 * copy at once).
 *
 * <p>Thread-safe; several instances over one database are safe too (a key made twice at once: the first insert wins
 * and both use it).
 */
public final class JdbcSubjectKeys implements SubjectKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcTemplate jdbc;
    private final MasterKey master;
    private final Clock clock;
    private final KeyCache cache;

    /**
     * Makes the tables if missing, and checks the master key against a stored key.
     *
     * @throws WrongMasterKey if the master key does not unwrap the keys already stored
     */
    public JdbcSubjectKeys(JdbcTemplate jdbc, MasterKey master, Clock clock) {
        this.jdbc = jdbc;
        this.master = master;
        this.clock = clock;
        // short: another instance of the owner that forgot the subject cannot tell this one, which serves the key
        // from here at most this long after
        this.cache = new KeyCache(Duration.ofSeconds(30), clock, 10_000);
        jdbc.execute("CREATE TABLE IF NOT EXISTS privacy_subject_keys (subject VARCHAR(64) PRIMARY KEY,"
                + " wrapped_key VARCHAR(100) NOT NULL, created_at TIMESTAMP NOT NULL)");
        jdbc.execute("CREATE TABLE IF NOT EXISTS privacy_forgotten_subjects (subject VARCHAR(64) PRIMARY KEY,"
                + " forgotten_at TIMESTAMP NOT NULL)");
        checkMasterKey();
    }

    private void checkMasterKey() {
        List<String[]> any = jdbc.query("SELECT subject, wrapped_key FROM privacy_subject_keys ORDER BY created_at"
                + " FETCH FIRST 1 ROWS ONLY", (rs, n) -> new String[] {rs.getString(1), rs.getString(2)});
        for (String[] row : any) {
            master.unwrap(row[0], Base64.getDecoder().decode(row[1]));
        }
    }

    @Override
    public SecretKey obtain(String subject) {
        Optional<SecretKey> known = find(subject);
        if (known.isPresent()) {
            return known.get();
        }
        if (forgotten(subject)) {
            throw new SubjectForgotten(subject);
        }
        byte[] bytes = new byte[MasterKey.KEY_BYTES];
        RANDOM.nextBytes(bytes);
        SecretKey key = new SecretKeySpec(bytes, "AES");
        try {
            jdbc.update("INSERT INTO privacy_subject_keys (subject, wrapped_key, created_at) VALUES (?, ?, ?)", subject,
                    Base64.getEncoder().encodeToString(master.wrap(subject, key)), Timestamp.from(clock.instant()));
        } catch (DuplicateKeyException madeAtTheSameTime) {
            return find(subject).orElseThrow(() -> new SubjectForgotten(subject));
        }
        if (forgotten(subject)) { // forgotten while the key was being made: it is never served
            jdbc.update("DELETE FROM privacy_subject_keys WHERE subject = ?", subject);
            throw new SubjectForgotten(subject);
        }
        cache.put(subject, key);
        return key;
    }

    @Override
    public Optional<SecretKey> find(String subject) {
        Optional<SecretKey> cached = cache.get(subject);
        if (cached.isPresent()) {
            return cached;
        }
        List<String> wrapped = jdbc.queryForList("SELECT wrapped_key FROM privacy_subject_keys WHERE subject = ?"
                + " AND NOT EXISTS (SELECT 1 FROM privacy_forgotten_subjects f WHERE f.subject = ?)", String.class,
                subject, subject);
        if (wrapped.isEmpty()) {
            return Optional.empty();
        }
        SecretKey key = master.unwrap(subject, Base64.getDecoder().decode(wrapped.getFirst()));
        cache.put(subject, key);
        return Optional.of(key);
    }

    /** Whether the subject was forgotten. */
    public boolean forgotten(String subject) {
        Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM privacy_forgotten_subjects WHERE subject = ?",
                Integer.class, subject);
        return count != null && count > 0;
    }

    /**
     * Forgets the subject: records it as forgotten and destroys its key. Every value sealed for it opens to
     * {@link Sealing#ERASED} from now on, here at once and in the services that cached the key once they drop it.
     * Forgetting a forgotten subject (or one that never had a key) changes nothing more.
     */
    public void forget(String subject) {
        if (!forgotten(subject)) {
            try {
                jdbc.update("INSERT INTO privacy_forgotten_subjects (subject, forgotten_at) VALUES (?, ?)", subject,
                        Timestamp.from(clock.instant()));
            } catch (DuplicateKeyException forgottenAtTheSameTime) {
                // as wanted
            }
        }
        cache.drop(subject);
        jdbc.update("DELETE FROM privacy_subject_keys WHERE subject = ?", subject);
    }

    @Override
    public String toString() {
        return "JdbcSubjectKeys[]";
    }
}
