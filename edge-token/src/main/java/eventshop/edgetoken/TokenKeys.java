package eventshop.edgetoken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC keys of the edge token: the current one, which signs, and the previous ones, which still verify
 * while tokens signed with them may be alive (a rotation's overlap). Each key is named by a key id
 * ({@link #keyId}, derived from the key, so edge and every service agree on it without configuring it), which
 * a token carries in its header ({@code kid}): a verifier tries only the key the token names, and a token
 * naming no configured key does not verify.
 *
 * <p>Settings: {@value #SECRET_PROPERTY}, the current key (base64 of at least {@value #MINIMUM_BYTES} bytes),
 * and {@value #PREVIOUS_PROPERTY}, the previous keys (the same form, separated by commas or white space; may be
 * empty). Anything else is an {@link InvalidTokenKey}. Immutable.
 */
public final class TokenKeys {

    public static final String SECRET_PROPERTY = "eventshop.security.token-secret";
    public static final String PREVIOUS_PROPERTY = "eventshop.security.previous-token-secrets";
    public static final int MINIMUM_BYTES = 32;
    public static final String ALGORITHM = "HmacSHA256";

    static final String HOW = "a key is the base64 of at least " + MINIMUM_BYTES
            + " random bytes (e.g. `openssl rand -base64 32`); edge and every service need the same current key"
            + " and the same previous keys";

    /** One key and its id. */
    public record Key(String id, SecretKey secret) {
        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }

    private final Key current;
    private final Map<String, Key> byId;

    private TokenKeys(Key current, Map<String, Key> byId) {
        this.current = current;
        this.byId = byId;
    }

    /**
     * The keys of the two settings.
     *
     * @param current  {@value #SECRET_PROPERTY}
     * @param previous {@value #PREVIOUS_PROPERTY}, null or blank for none
     * @throws InvalidTokenKey if the current key is missing, or a key is not base64 or too short
     */
    public static TokenKeys parse(String current, String previous) {
        if (current == null || current.isBlank()) {
            throw new InvalidTokenKey(SECRET_PROPERTY, "is not set");
        }
        Key signing = key(SECRET_PROPERTY, current.strip());
        Map<String, Key> byId = new LinkedHashMap<>();
        byId.put(signing.id(), signing);
        if (previous != null) {
            for (String value : previous.strip().split("[,\\s]+")) {
                if (!value.isEmpty()) {
                    Key key = key(PREVIOUS_PROPERTY, value);
                    byId.putIfAbsent(key.id(), key);
                }
            }
        }
        return new TokenKeys(signing, byId);
    }

    /** Only {@code secret}, no previous key. */
    public static TokenKeys of(byte[] secret) {
        Key key = key(SECRET_PROPERTY, secret);
        return new TokenKeys(key, Map.of(key.id(), key));
    }

    /** The key that signs. */
    public Key current() {
        return current;
    }

    /** Every key that verifies, the current one first. */
    public List<Key> all() {
        return new ArrayList<>(byId.values());
    }

    /** The key a token's {@code kid} names, if it is one of these. */
    public Optional<Key> byId(String kid) {
        return Optional.ofNullable(kid == null ? null : byId.get(kid));
    }

    /**
     * The id of a key: the first 9 bytes of the SHA-256 of a fixed label and the key, base64url (12 characters).
     * It names the key without revealing it.
     */
    public static String keyId(byte[] secret) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("eventshop edge token key id\n".getBytes(StandardCharsets.UTF_8));
            byte[] digest = sha256.digest(secret);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 9));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static Key key(String property, String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException notBase64) {
            throw new InvalidTokenKey(property, "is not valid base64");
        }
        return key(property, bytes);
    }

    private static Key key(String property, byte[] bytes) {
        if (bytes == null || bytes.length < MINIMUM_BYTES) {
            throw new InvalidTokenKey(property, (bytes == null ? "is not set" : "decodes to " + bytes.length
                    + " bytes, fewer than " + MINIMUM_BYTES + " bytes"));
        }
        return new Key(keyId(bytes), new SecretKeySpec(bytes.clone(), ALGORITHM));
    }
}
