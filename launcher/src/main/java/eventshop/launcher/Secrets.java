package eventshop.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The store's secrets, generated once into {@code <data>/secrets/} (directory mode 700, files 600)
 * and read back at every later start (DESIGN §8: no secret committed, generated secrets stored in
 * the data directory).
 *
 * <ul>
 *   <li>{@code token-secret}: 32 random bytes, base64 — the HMAC key edge signs its tokens with
 *       and every service verifies them with ({@code eventshop.security.token-secret}).</li>
 *   <li>{@code admin-password}: the password of {@code admin@example.com}, unless the environment
 *       variable {@code EVENTSHOP_ADMIN_PASSWORD} gives one (then nothing is stored).</li>
 * </ul>
 *
 * @param tokenSecret            base64 HMAC key shared by edge and the services
 * @param adminPassword          the admin's password
 * @param adminPasswordSource    where the admin password came from
 * @param adminPasswordFile      where a generated admin password is kept
 */
record Secrets(String tokenSecret, String adminPassword, AdminPasswordSource adminPasswordSource,
        Path adminPasswordFile) {

    static final String ADMIN_PASSWORD_ENV = "EVENTSHOP_ADMIN_PASSWORD";
    static final String TOKEN_SECRET_ENV = "EVENTSHOP_TOKEN_SECRET";

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
        try {
            createPrivateDirectory(secretsDir);
            String tokenSecret = readOrCreate(secretsDir.resolve("token-secret"), () -> randomBase64(32, false)).value();
            Path passwordFile = secretsDir.resolve("admin-password");
            if (adminPasswordFromEnv != null && !adminPasswordFromEnv.isBlank()) {
                return new Secrets(tokenSecret, adminPasswordFromEnv, AdminPasswordSource.ENVIRONMENT, passwordFile);
            }
            Stored password = readOrCreate(passwordFile, () -> randomBase64(15, true));
            return new Secrets(tokenSecret, password.value(),
                    password.created() ? AdminPasswordSource.GENERATED : AdminPasswordSource.STORED, passwordFile);
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
        return fromEnvironmentOrFile(TOKEN_SECRET_ENV, dataDir.resolve("secrets").resolve("token-secret"),
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
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        createPrivateFile(temp);
        Files.writeString(temp, value + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Stored(value, true);
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
