package eventshop.eventsourcing.privacy;

import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.calls.Reply;
import eventshop.eventsourcing.calls.ServiceCalls;
import eventshop.eventsourcing.privacy.PrivacyErrors.KeysUnavailable;
import eventshop.eventsourcing.privacy.PrivacyErrors.SubjectForgotten;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The subject keys of another service (the owner of the data subjects: accounts), fetched over HTTP with
 * {@link ServiceCalls} (breaker, timeouts) from {@value #PATH} as this service itself (a token it mints for itself
 * with the {@link EdgeToken#SERVICE} role), and kept in memory only, for {@code ttl} at most. {@link #drop} removes
 * one at once: call it when the owner publishes that the subject was forgotten.
 *
 * <p>Answers of the owner: 200 {@code {"subject","key"}} (base64 of the AES-256 key), 404 (no key, asked without
 * creating one), 410 (forgotten). Thread-safe.
 */
public final class RemoteSubjectKeys implements SubjectKeys {

    /** The owner's endpoint; {@code create=false} asks only for an existing key. Not routed by edge. */
    public static final String PATH = "/internal/privacy/keys/{subject}?create={create}";

    /** The owner's answer. */
    public record KeyView(String subject, String key) {
    }

    private final ServiceCalls calls;
    private final String owner;
    private final EdgeTokens tokens;
    private final EdgeUser self;
    private final KeyCache cache;

    /**
     * @param owner       the service that owns the keys ("accounts")
     * @param serviceName this service's name, the subject of its own token
     */
    public RemoteSubjectKeys(ServiceCalls calls, String owner, EdgeTokens tokens, String serviceName, Duration ttl,
                             Clock clock) {
        this.calls = calls;
        this.owner = owner;
        this.tokens = tokens;
        this.self = new EdgeUser("service:" + serviceName, "", Set.of(EdgeToken.SERVICE));
        this.cache = new KeyCache(ttl, clock, 10_000);
    }

    @Override
    public SecretKey obtain(String subject) {
        return cache.get(subject).or(() -> fetch(subject, true)).orElseThrow(() -> new SubjectForgotten(subject));
    }

    @Override
    public Optional<SecretKey> find(String subject) {
        return cache.get(subject).or(() -> fetch(subject, false));
    }

    /** Forgets the cached key of {@code subject} (the owner published that it was forgotten). */
    public void drop(String subject) {
        cache.drop(subject);
    }

    private Optional<SecretKey> fetch(String subject, boolean create) {
        Reply<KeyView> reply = calls.client(owner).getAsService(tokens.mint(self), PATH, KeyView.class, subject, create);
        if (reply.status() == 410) {
            if (create) {
                throw new SubjectForgotten(subject);
            }
            return Optional.empty();
        }
        if (reply.isNotFound() && !create) {
            return Optional.empty();
        }
        KeyView view = reply.body();
        if (!reply.is2xx() || view == null || !subject.equals(view.subject())) {
            throw new KeysUnavailable(owner + " answered " + reply.status() + " (" + reply.detail() + ")");
        }
        SecretKey key = new SecretKeySpec(decode(view.key()), "AES");
        cache.put(subject, key);
        return Optional.of(key);
    }

    private byte[] decode(@Nullable String base64) {
        try {
            byte[] key = Base64.getDecoder().decode(base64 == null ? "" : base64);
            if (key.length != MasterKey.KEY_BYTES) {
                throw new KeysUnavailable(owner + " answered a key of " + key.length + " bytes");
            }
            return key;
        } catch (IllegalArgumentException notBase64) {
            throw new KeysUnavailable(owner + " answered a key that is not base64", notBase64);
        }
    }
}
