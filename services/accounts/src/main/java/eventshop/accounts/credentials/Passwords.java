package eventshop.accounts.credentials;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Hashes and checks passwords with Argon2id ({@link Argon2PasswordEncoder#defaultsForSpringSecurity_v5_8()}:
 * 16 MiB memory, 2 iterations, 16-byte salt, 32-byte hash; BouncyCastle underneath). Argon2 rather
 * than BCrypt because it is memory-hard (GPU and ASIC guessing cost far more), it is OWASP's first
 * choice, and BCrypt only reads the first 72 bytes of a password while ours may have 128 characters.
 *
 * <p>Checking a login against no hash (an unknown e-mail address) still runs one Argon2 verification,
 * against a decoy hash, so the time taken does not tell whether the address is registered.
 * Thread-safe.
 */
@Component
public class Passwords {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 128;

    private final PasswordEncoder encoder = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
    private final String decoy;

    public Passwords() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.decoy = encoder.encode(HexFormat.of().formatHex(random));
    }

    /** A new salted hash of {@code password}. */
    public String hash(String password) {
        return encoder.encode(password);
    }

    /** Whether {@code password} is the one {@code hash} was made from; false for no hash, in the same time. */
    public boolean matches(String password, @Nullable String hash) {
        if (hash == null || password == null) {
            encoder.matches(password == null ? "" : password, decoy);
            return false;
        }
        return encoder.matches(password, hash);
    }
}
