package eventshop.eventsourcing.privacy;

import eventshop.eventsourcing.privacy.PrivacyErrors.InvalidMasterKey;
import eventshop.eventsourcing.privacy.PrivacyErrors.WrongMasterKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that wraps every subject key in the key store ({@code eventshop.privacy.master-key}, base64 of 32 bytes),
 * and from which the {@link BlindIndex} key is derived. Losing it loses every subject's personal data; keep it with
 * the database's backups but apart from them (docs/privacy.md). Immutable and thread-safe.
 */
public final class MasterKey {

    /** The property that holds it. */
    public static final String PROPERTY = "eventshop.privacy.master-key";
    static final int KEY_BYTES = 32;
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private MasterKey(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * The master key from its base64 form.
     *
     * @throws InvalidMasterKey if it is missing, not base64 or not 32 bytes
     */
    public static MasterKey fromBase64(String base64) {
        if (base64 == null || base64.isBlank()) {
            throw new InvalidMasterKey("is not set");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException notBase64) {
            throw new InvalidMasterKey("is not base64");
        }
        if (bytes.length != KEY_BYTES) {
            throw new InvalidMasterKey("has " + bytes.length + " bytes, not " + KEY_BYTES);
        }
        return new MasterKey(bytes);
    }

    /** A new random master key, base64 (what the launcher stores in {@code <data>/secrets/master-key}). */
    public static String generateBase64() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** {@code subjectKey} encrypted under this key with AES-GCM, bound to {@code subject}: nonce ‖ ciphertext+tag. */
    byte[] wrap(String subject, SecretKey subjectKey) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(subject));
            byte[] sealed = cipher.doFinal(subjectKey.getEncoded());
            byte[] wrapped = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, wrapped, NONCE_BYTES, sealed.length);
            return wrapped;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /**
     * The subject key that {@link #wrap} wrapped.
     *
     * @throws WrongMasterKey if this is not the key it was wrapped with (or the row was altered)
     */
    SecretKey unwrap(String subject, byte[] wrapped) {
        if (wrapped.length <= NONCE_BYTES) {
            throw new WrongMasterKey(subject);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, wrapped, 0, NONCE_BYTES));
            cipher.updateAAD(aad(subject));
            byte[] clear = cipher.doFinal(wrapped, NONCE_BYTES, wrapped.length - NONCE_BYTES);
            return new SecretKeySpec(clear, "AES");
        } catch (AEADBadTagException wrongKey) {
            throw new WrongMasterKey(subject);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** A key for {@code purpose} derived from this one (HMAC-SHA256 of the purpose), never the master key itself. */
    byte[] derive(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(("eventshop/" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    private static byte[] aad(String subject) {
        return ("subject-key:" + subject).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "MasterKey[***]";
    }
}
