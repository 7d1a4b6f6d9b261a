package eventshop.eventsourcing.privacy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A keyed fingerprint of a personal value, for finding a record by that value without storing it: HMAC-SHA256 under a
 * key derived from the {@link MasterKey}, in lower-case hex (64 characters). Unlike a plain hash, nobody without the
 * master key can test a guessed e-mail address against it. Callers normalize the value first (an e-mail address
 * trimmed and lower-cased). Immutable and thread-safe.
 */
public final class BlindIndex {

    private final byte[] key;

    /** The index for {@code purpose} ("email"): a different key per purpose, so indexes of two kinds never match. */
    public BlindIndex(MasterKey master, String purpose) {
        this.key = master.derive("blind-index/" + purpose);
    }

    /** The fingerprint of {@code normalized}. */
    public String of(String normalized) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(normalized.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "BlindIndex[***]";
    }
}
