package eventshop.launcher;

import eventshop.edgetoken.InvalidTokenKey;
import eventshop.edgetoken.TokenKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The store's secrets, generated once into {@code <data>/secrets/} (directory mode 700, files 600)
 * and read back at every later start (DESIGN §8: no secret committed, generated secrets stored in
 * the data directory).
 *
 * <ul>
 *   <li>{@code token-secret}: 32 random bytes, base64 — the HMAC key edge signs its tokens with
 *       and every service verifies them with ({@code eventshop.security.token-secret}).</li>
 *   <li>{@code previous-token-secrets}: the keys {@link #rotateKey} replaced, one a line as
 *       {@code <base64 key> until <instant>}: until then they still verify (tokens edge signed with them
 *       stay good until they expire; {@code eventshop.security.previous-token-secrets}), after it a start
 *       drops them from the file.</li>
 *   <li>{@code admin-password}: the password of {@code admin@example.com}, unless the environment
 *       variable {@code EVENTSHOP_ADMIN_PASSWORD} gives one (then nothing is stored).</li>
 *   <li>{@code master-key}: 32 random bytes, base64 — the key that wraps every customer's key in accounts' database
 *       ({@code eventshop.privacy.master-key}, docs/privacy.md), unless {@code EVENTSHOP_MASTER_KEY} gives one (then
 *       nothing is stored). Without it every customer's personal data is lost: back it up, apart from the data.</li>
 * </ul>
 *
 * @param tokenSecret            base64 HMAC key shared by edge and the services, the one edge signs with
 * @param previousTokenSecrets   base64 keys that still verify (a rotation's overlap), comma-separated; empty for none
 * @param adminPassword          the admin's password
 * @param adminPasswordSource    where the admin password came from
 * @param adminPasswordFile      where a generated admin password is kept
 * @param masterKey              base64 key that wraps the data subjects' keys (accounts)
 */
record Secrets(String tokenSecret, String previousTokenSecrets, String adminPassword,
        AdminPasswordSource adminPasswordSource, Path adminPasswordFile, String masterKey) {

    static final String MASTER_KEY_ENV = "EVENTSHOP_MASTER_KEY";
    static final String MASTER_KEY = "master-key";

    static final String ADMIN_PASSWORD_ENV = "EVENTSHOP_ADMIN_PASSWORD";
    static final String TOKEN_SECRET_ENV = "EVENTSHOP_TOKEN_SECRET";
    static final String TOKEN_SECRET = "token-secret";
    static final String PREVIOUS_TOKEN_SECRETS = "previous-token-secrets";
    /** How long a replaced key still verifies unless told otherwise: edge's session lifetime (8 h). */
    static final Duration DEFAULT_OVERLAP = Duration.ofHours(8);

    /** Where the admin password came from, for what the launcher prints. */
    enum AdminPasswordSource {
        /** {@code EVENTSHOP_ADMIN_PASSWORD}. */
        ENVIRONMENT,
        /** generated at this start and stored: printed once. */
        GENERATED,
        /** generated at an earlier start and read back from the file. */
        STORED
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Reads the secrets under {@code secretsDir}, generating the missing ones.
     *
     * @param adminPasswordFromEnv the value of {@code EVENTSHOP_ADMIN_PASSWORD}, or null
     */
    static Secrets load(Path secretsDir, String adminPasswordFromEnv) {
        return load(secretsDir, adminPasswordFromEnv, Clock.systemUTC());
    }

    /**
     * As {@link #load(Path, String)}, dropping the previous token keys whose overlap ended before {@code clock}'s now.
     *
     * @throws InvalidSecret if a token key or a line of the previous keys is unusable
     */
    static Secrets load(Path secretsDir, String adminPasswordFromEnv, Clock clock) {
        try {
            createPrivateDirectory(secretsDir);
            String tokenSecret = readOrCreate(secretsDir.resolve(TOKEN_SECRET), () -> randomBase64(32, false)).value();
            List<PreviousKey> previous = keepLive(secretsDir, clock.instant());
            String previousSecrets = String.join(",", previous.stream().map(PreviousKey::secret).toList());
            try {
                TokenKeys.parse(tokenSecret, previousSecrets);
            } catch (InvalidTokenKey invalid) {
                throw new InvalidSecret(secretsDir.resolve(invalid.property().equals(TokenKeys.SECRET_PROPERTY)
                        ? TOKEN_SECRET : PREVIOUS_TOKEN_SECRETS), invalid.reason());
            }
            String masterKeyFromEnv = System.getenv(MASTER_KEY_ENV);
            String masterKey = masterKeyFromEnv != null && !masterKeyFromEnv.isBlank() ? masterKeyFromEnv.strip()
                    : readOrCreate(secretsDir.resolve(MASTER_KEY), () -> randomBase64(32, false)).value();
            Path passwordFile = secretsDir.resolve("admin-password");
            if (adminPasswordFromEnv != null && !adminPasswordFromEnv.isBlank()) {
                return new Secrets(tokenSecret, previousSecrets, adminPasswordFromEnv, AdminPasswordSource.ENVIRONMENT,
                        passwordFile, masterKey);
            }
            Stored password = readOrCreate(passwordFile, () -> randomBase64(15, true));
            return new Secrets(tokenSecret, previousSecrets, password.value(),
                    password.created() ? AdminPasswordSource.GENERATED : AdminPasswordSource.STORED, passwordFile,
                    masterKey);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the store's secrets in " + secretsDir, e);
        }
    }

    /**
     * The admin password of a store started over {@code dataDir}, for a client of the running store
     * ({@code store load}, {@code store replay}): from the environment, else its secrets directory.
     */
    static String adminPasswordOf(Path dataDir) {
        return fromEnvironmentOrFile(ADMIN_PASSWORD_ENV, dataDir.resolve("secrets").resolve("admin-password"),
                "no admin password: set " + ADMIN_PASSWORD_ENV + " or run against the data directory of the running store");
    }

    /**
     * The token secret of a store started over {@code dataDir}, for a client that mints tokens the services take
     * ({@code store token}): {@value #TOKEN_SECRET_ENV} (as the distributed topology's applications get it), else
     * the secrets directory.
     */
    static String tokenSecretOf(Path dataDir) {
        return fromEnvironmentOrFile(TOKEN_SECRET_ENV, dataDir.resolve("secrets").resolve(TOKEN_SECRET),
                "no token secret: set " + TOKEN_SECRET_ENV + " or give the data directory of the store");
    }

    private static String fromEnvironmentOrFile(String variable, Path file, String missing) {
        String fromEnv = System.getenv(variable);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalStateException(missing + " (" + file + " is missing)", e);
        }
    }

    /** A secret file the store cannot use: which file, and why. */
    static final class InvalidSecret extends IllegalStateException {
        private final Path file;

        InvalidSecret(Path file, String reason) {
            super(file + " " + reason + " (a token key is the base64 of at least " + TokenKeys.MINIMUM_BYTES
                    + " random bytes; docs/operations.md, \"Rotating the token key\")");
            this.file = file;
        }

        Path file() {
            return file;
        }
    }

    /** A replaced token key and until when it still verifies. */
    record PreviousKey(String secret, Instant until) {
        String line() {
            return secret + " until " + until;
        }
    }

    /** What {@link #rotateKey} did: the ids of the new key and of the keys that still verify, with their end. */
    record Rotation(String newKeyId, Map<String, Instant> previousKeyIds) {
    }

    /**
     * Makes a new current token key; the old one still verifies for {@code overlap} (tokens edge signed with it last
     * at most as long as a session, 8 h by default), kept in {@value #PREVIOUS_TOKEN_SECRETS} with the other previous
     * keys whose overlap has not ended. A zero overlap drops every previous key: only tokens of the new key verify
     * (after a key leaked). The store uses its keys from its start: a running store keeps the old ones until it
     * restarts.
     */
    static Rotation rotateKey(Path secretsDir, Duration overlap, Clock clock) {
        if (overlap.isNegative()) {
            throw new IllegalArgumentException("a rotation's overlap cannot be negative: " + overlap);
        }
        try {
            createPrivateDirectory(secretsDir);
            Instant now = clock.instant();
            Path current = secretsDir.resolve(TOKEN_SECRET);
            List<PreviousKey> previous = new ArrayList<>();
            if (!overlap.isZero()) {
                previous.addAll(keepLive(secretsDir, now));
                if (Files.exists(current)) {
                    String old = Files.readString(current, StandardCharsets.UTF_8).strip();
                    if (!old.isEmpty()) {
                        previous.removeIf(key -> key.secret().equals(old));
                        previous.add(new PreviousKey(old, now.plus(overlap)));
                    }
                }
            }
            // the old key is among the previous ones before the new one replaces it: a crash in between leaves
            // the old key current and also previous, which is harmless
            write(secretsDir.resolve(PREVIOUS_TOKEN_SECRETS), previous);
            String fresh = randomBase64(32, false);
            writePrivate(current, fresh);
            Map<String, Instant> ids = new LinkedHashMap<>();
            previous.forEach(key -> ids.put(TokenKeys.keyId(Base64.getDecoder().decode(key.secret())), key.until()));
            return new Rotation(TokenKeys.keyId(Base64.getDecoder().decode(fresh)), ids);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rotate the token key in " + secretsDir, e);
        }
    }

    /** The previous keys whose overlap has not ended at {@code now}; the file rewritten without the others. */
    private static List<PreviousKey> keepLive(Path secretsDir, Instant now) throws IOException {
        Path file = secretsDir.resolve(PREVIOUS_TOKEN_SECRETS);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<PreviousKey> all = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.strip().split("\\s+");
            if (parts.length != 3 || !parts[1].equals("until")) {
                throw new InvalidSecret(file, "has a line that is not `<base64 key> until <instant>`");
            }
            try {
                all.add(new PreviousKey(parts[0], Instant.parse(parts[2])));
            } catch (DateTimeParseException e) {
                throw new InvalidSecret(file, "has a line whose end is not an instant (2026-12-07T18:00:00Z)");
            }
        }
        List<PreviousKey> live = all.stream().filter(key -> key.until().isAfter(now)).toList();
        if (live.size() != all.size()) {
            write(file, live);
        }
        return live;
    }

    private static void write(Path file, List<PreviousKey> keys) throws IOException {
        StringBuilder text = new StringBuilder();
        keys.forEach(key -> text.append(key.line()).append('\n'));
        writePrivate(file, text.toString().strip());
    }

    private record Stored(String value, boolean created) {
    }

    private static Stored readOrCreate(Path file, java.util.function.Supplier<String> generator) throws IOException {
        if (Files.exists(file)) {
            String value = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!value.isEmpty()) {
                return new Stored(value, false);
            }
        }
        String value = generator.get();
        writePrivate(file, value);
        return new Stored(value, true);
    }

    /** Replaces the file, mode 600, atomically. */
    private static void writePrivate(Path file, String value) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        createPrivateFile(temp);
        Files.writeString(temp, value.isEmpty() ? "" : value + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String randomBase64(int bytes, boolean urlSafe) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return urlSafe ? Base64.getUrlEncoder().withoutPadding().encodeToString(random)
                : Base64.getEncoder().encodeToString(random);
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            // created concurrently: fine
        }
    }

    private static void createPrivateFile(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }
}
