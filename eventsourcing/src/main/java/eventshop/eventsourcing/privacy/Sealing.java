package eventshop.eventsourcing.privacy;

import eventshop.contracts.Address;
import eventshop.eventsourcing.privacy.PrivacyErrors.BrokenSeal;
import eventshop.eventsourcing.privacy.PrivacyErrors.SubjectForgotten;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Seals personal data where it enters the system and opens it where it is shown ("sealed until shown"). A sealed
 * value is an ordinary string, so events, Kafka records and read-model rows carry it like any other text, and folds
 * and deciders treat it as opaque:
 *
 * <pre>
 * pd1:&lt;subject&gt;:&lt;base64url without padding of nonce(12) ‖ AES-256-GCM ciphertext ‖ tag(16)&gt;
 * </pre>
 *
 * under the subject's own key ({@link SubjectKeys}), with {@code "pd1:<subject>"} as additional authenticated data, so
 * a value moved to another subject's prefix does not open. Subjects are account ids (no ':').
 *
 * <p>{@link #open}: a value that is not sealed is returned as it is (data stored before sealing existed stays
 * readable); a value whose subject has no key any more (forgotten) opens to {@link #ERASED}; an altered value is a
 * {@link BrokenSeal}. Thread-safe.
 */
public final class Sealing {

    /** How every sealed value starts. */
    public static final String PREFIX = "pd1:";
    /** What a value sealed for a forgotten subject opens to. */
    public static final String ERASED = "erased";

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private final SubjectKeys keys;

    public Sealing(SubjectKeys keys) {
        this.keys = keys;
    }

    /**
     * {@code clear} sealed for {@code subject}. Always seals, even text that looks sealed (a customer may type
     * anything), so that what was typed is what {@link #open} gives back.
     *
     * @throws SubjectForgotten if the subject was forgotten
     * @throws IllegalArgumentException if the subject is blank or holds a ':'
     */
    public String seal(String subject, String clear) {
        return seal(subject, clear, null);
    }

    /**
     * {@code clear} sealed for {@code subject}; with a {@code context} (an idempotency key), deterministically: the
     * nonce is derived from the key, the context and the clear text (a synthetic nonce, as in AES-GCM-SIV), so the
     * same request repeated seals to the same text and can be recognised as the same, while different texts still
     * get different nonces. Without a context the nonce is random.
     *
     * @throws SubjectForgotten if the subject was forgotten
     * @throws IllegalArgumentException if the subject is blank or holds a ':'
     */
    public String seal(String subject, String clear, @Nullable String context) {
        if (subject.isBlank() || subject.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a subject is an id without ':', not '" + subject + "'");
        }
        SecretKey key = keys.obtain(subject);
        byte[] nonce = context == null ? random() : synthetic(key, subject, context, clear);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(subject));
            byte[] sealed = cipher.doFinal(clear.getBytes(StandardCharsets.UTF_8));
            byte[] all = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, all, NONCE_BYTES, sealed.length);
            return PREFIX + subject + ":" + BASE64.encodeToString(all);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private static byte[] random() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    private static byte[] synthetic(SecretKey key, String subject, String context, String clear) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            byte[] nonceKey = derive.doFinal("pd1/synthetic-nonce".getBytes(StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(nonceKey, "HmacSHA256"));
            for (String part : new String[] {subject, context, clear}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                mac.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
                mac.update(bytes);
            }
            return Arrays.copyOf(mac.doFinal(), NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    /** {@code clear} sealed for {@code subject}, or null for null. */
    public @Nullable String sealNullable(String subject, @Nullable String clear) {
        return clear == null ? null : seal(subject, clear);
    }

    /**
     * The clear text of {@code value}: itself if it is not sealed, {@link #ERASED} if its subject was forgotten.
     *
     * @throws BrokenSeal if it is sealed but does not open (altered, or moved to another subject)
     */
    public String open(String value) {
        if (!isSealed(value)) {
            return value;
        }
        int colon = value.indexOf(':', PREFIX.length());
        if (colon < 0) {
            throw new BrokenSeal("?", "no subject");
        }
        String subject = value.substring(PREFIX.length(), colon);
        byte[] all;
        try {
            all = Base64.getUrlDecoder().decode(value.substring(colon + 1));
        } catch (IllegalArgumentException notBase64) {
            throw new BrokenSeal(subject, "not base64url");
        }
        if (all.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new BrokenSeal(subject, "too short");
        }
        Optional<SecretKey> key = keys.find(subject);
        if (key.isEmpty()) {
            return ERASED;
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.get(), new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(aad(subject));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException altered) {
            throw new BrokenSeal(subject, "its authentication tag does not match");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** {@link #open} that keeps null. */
    public @Nullable String openNullable(@Nullable String value) {
        return value == null ? null : open(value);
    }

    /** The address with each part sealed for {@code subject} (empty parts stay empty: nothing personal in them). */
    public Address seal(String subject, Address address) {
        return seal(subject, address, null);
    }

    /** {@link #seal(String, Address)}, deterministically for a {@code context} ({@link #seal(String, String, String)}). */
    public Address seal(String subject, Address address, @Nullable String context) {
        return new Address(part(subject, address.name(), context, "name"),
                part(subject, address.line1(), context, "line1"), part(subject, address.line2(), context, "line2"),
                part(subject, address.city(), context, "city"),
                part(subject, address.postalCode(), context, "postalCode"),
                part(subject, address.country(), context, "country"));
    }

    /** The address with each part opened. */
    public Address open(Address address) {
        return new Address(openNullable(address.name()), openNullable(address.line1()), openNullable(address.line2()),
                openNullable(address.city()), openNullable(address.postalCode()), openNullable(address.country()));
    }

    private @Nullable String part(String subject, @Nullable String clear, @Nullable String context, String field) {
        return clear == null || clear.isEmpty() ? clear : seal(subject, clear, context == null ? null : context + "/" + field);
    }

    /** Whether {@code value} is a sealed value (by its prefix). */
    public static boolean isSealed(@Nullable String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The subject a sealed value was sealed for; empty for a value that is not sealed. */
    public static Optional<String> subjectOf(@Nullable String value) {
        if (!isSealed(value)) {
            return Optional.empty();
        }
        int colon = value.indexOf(':', PREFIX.length());
        return colon < 0 ? Optional.empty() : Optional.of(value.substring(PREFIX.length(), colon));
    }

    private static byte[] aad(String subject) {
        return (PREFIX + subject).getBytes(StandardCharsets.UTF_8);
    }
}
