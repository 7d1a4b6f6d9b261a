package eventshop.eventsourcing.privacy;

import eventshop.eventsourcing.privacy.PrivacyErrors.SubjectForgotten;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * One AES-256 key per data subject (an account id), that {@link Sealing} seals and opens that subject's personal data
 * with. The owning service keeps them ({@link JdbcSubjectKeys}); other services ask it ({@link RemoteSubjectKeys}).
 * Implementations are thread-safe.
 */
public interface SubjectKeys {

    /**
     * The subject's key, made now if it has none yet.
     *
     * @throws SubjectForgotten if the subject was forgotten (it never gets a key again)
     * @throws PrivacyErrors.KeysUnavailable if the keys cannot be reached
     */
    SecretKey obtain(String subject);

    /**
     * The subject's key, or empty if it has none: never had one, or was forgotten (its key destroyed).
     *
     * @throws PrivacyErrors.KeysUnavailable if the keys cannot be reached
     */
    Optional<SecretKey> find(String subject);
}
