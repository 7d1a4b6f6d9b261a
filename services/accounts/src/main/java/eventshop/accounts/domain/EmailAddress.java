package eventshop.accounts.domain;

import eventshop.accounts.domain.AccountErrors.InvalidEmail;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An e-mail address in its normalized form (trimmed, lower case), the form in which it is unique
 * among accounts.
 *
 * @param value the normalized address, at most {@value #MAX_LENGTH} characters
 */
public record EmailAddress(String value) {

    public static final int MAX_LENGTH = 254;
    private static final Pattern FORMAT = Pattern.compile(
            "[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\\.[a-z]{2,63}");

    public EmailAddress {
        if (value == null || value.length() > MAX_LENGTH || !FORMAT.matcher(value).matches()) {
            throw new InvalidEmail();
        }
    }

    /**
     * The address a user typed, normalized.
     *
     * @throws InvalidEmail if it is not an address
     */
    public static EmailAddress parse(String raw) {
        if (raw == null || raw.length() > 4 * MAX_LENGTH) {
            throw new InvalidEmail();
        }
        return new EmailAddress(raw.strip().toLowerCase(Locale.ROOT));
    }

    /** The SHA-256 of the normalized address, in lower-case hex: a stream-id-safe key for it. */
    public String sha256() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
