package eventshop.accounts.credentials;

import eventshop.accounts.domain.AccountErrors.CommonPassword;
import eventshop.accounts.domain.AccountErrors.InvalidRegistration;
import eventshop.eventsourcing.web.Overloaded;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
 * <p>A new password must have {@value #MIN_LENGTH} to {@value #MAX_LENGTH} characters and must not be one of the
 * most common passwords ({@value #COMMON_PASSWORDS}, compared without regard to case), which guessers try first.
 *
 * <p>Checking a login against no hash (an unknown e-mail address) still runs one Argon2 verification,
 * against a decoy hash, so the time taken does not tell whether the address is registered.
 *
 * <p>Hashes and checks take turns: only a few run at once (the cores', at least two), the others wait up to
 * {@link #WAIT} and are then refused as {@link Overloaded} (503), so a burst of logins cannot fill the heap with
 * Argon2's memory. Thread-safe.
 */
@Component
public class Passwords {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 128;
    /** The list of common passwords, on the classpath: one a line, lower case, '#' starts a comment. */
    public static final String COMMON_PASSWORDS = "eventshop/accounts/credentials/common-passwords.txt";

    /** How long a hash or check waits for its turn before the request is refused as {@link Overloaded}. */
    static final Duration WAIT = Duration.ofSeconds(20);

    private final PasswordEncoder encoder;
    private final Semaphore turns;
    private final Duration wait;
    private final String decoy;
    private final Set<String> common;

    public Passwords() {
        this(Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(),
                Math.max(2, Runtime.getRuntime().availableProcessors()), WAIT);
    }

    /**
     * @param atOnce how many hashes and checks run at the same time: each of Argon2's holds 16 MiB while it runs, so a
     *               burst of logins or registrations must queue rather than all run (twenty at once filled a 384 MiB
     *               heap and the service died); they are CPU-bound anyway, more than the cores gain nothing
     * @param wait   how long one waits for its turn
     */
    Passwords(PasswordEncoder encoder, int atOnce, Duration wait) {
        if (atOnce < 1) {
            throw new IllegalArgumentException("at least one password check at a time, not " + atOnce);
        }
        this.encoder = encoder;
        this.turns = new Semaphore(atOnce, true);
        this.wait = wait;
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.decoy = encoder.encode(HexFormat.of().formatHex(random));
        this.common = commonPasswords();
    }

    /**
     * Checks a new password against the rules.
     *
     * @throws InvalidRegistration if it is shorter than {@value #MIN_LENGTH} or longer than {@value #MAX_LENGTH} (422)
     * @throws CommonPassword      if it is one of the most common passwords (422)
     */
    public void checkNew(String password) {
        if (password == null || password.length() < MIN_LENGTH || password.length() > MAX_LENGTH) {
            throw new InvalidRegistration("the password must have " + MIN_LENGTH + " to " + MAX_LENGTH + " characters");
        }
        if (isCommon(password)) {
            throw new CommonPassword();
        }
    }

    /** Whether {@code password} is on the list of common passwords (without regard to case). */
    public boolean isCommon(String password) {
        return common.contains(password.strip().toLowerCase(Locale.ROOT));
    }

    /** A new salted hash of {@code password}. */
    public String hash(String password) {
        return inTurn(() -> encoder.encode(password));
    }

    /** How many hashes and checks wait for their turn now (for tests and diagnostics). */
    int waitingForATurn() {
        return turns.getQueueLength();
    }

    /**
     * Runs {@code work} once a turn is free, waiting up to {@link #wait} for one.
     *
     * @throws Overloaded if none was free in time (503 with Retry-After)
     */
    private <T> T inTurn(Supplier<T> work) {
        boolean turn;
        try {
            turn = turns.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Overloaded("interrupted while waiting to check a password", Duration.ofSeconds(1));
        }
        if (!turn) {
            throw new Overloaded("more passwords are being checked than this service takes at once",
                    Duration.ofSeconds(1));
        }
        try {
            return work.get();
        } finally {
            turns.release();
        }
    }

    private static Set<String> commonPasswords() {
        InputStream list = Passwords.class.getClassLoader().getResourceAsStream(COMMON_PASSWORDS);
        if (list == null) {
            throw new IllegalStateException(COMMON_PASSWORDS + " is not on the classpath");
        }
        Set<String> passwords = new HashSet<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(list, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String password = line.strip();
                if (!password.isEmpty() && !password.startsWith("#")) {
                    passwords.add(password.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + COMMON_PASSWORDS, e);
        }
        return Set.copyOf(passwords);
    }

    /** Whether {@code password} is the one {@code hash} was made from; false for no hash, in the same time. */
    public boolean matches(String password, @Nullable String hash) {
        if (hash == null || password == null) {
            inTurn(() -> encoder.matches(password == null ? "" : password, decoy));
            return false;
        }
        return inTurn(() -> encoder.matches(password, hash));
    }
}
