package eventshop.launcher.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JFR recording of the store for the measured part of a run ({@code --profile}): {@code jcmd <pid>
 * JFR.start} with the JDK's {@code profile} settings, and {@code JFR.stop}, which writes the file. The
 * {@code jcmd} is the one of the JDK running the store (next to its {@code java}), else this JVM's.
 */
final class StoreProfile {

    private static final String NAME = "eventshop-store-load";

    private final long pid;
    private final Path file;
    private final String jcmd;

    private StoreProfile(long pid, Path file) {
        this.pid = pid;
        this.file = file.toAbsolutePath();
        this.jcmd = jcmdOf(pid);
    }

    /** Starts recording the store's JVM into {@code file} (its directory made first: the store writes it). */
    static StoreProfile start(long pid, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the directory for " + file + ": " + e.getMessage(), e);
        }
        StoreProfile profile = new StoreProfile(pid, file);
        profile.jcmd("JFR.start", "name=" + NAME, "settings=profile", "filename=" + profile.file);
        return profile;
    }

    /** Stops the recording; returns the file it wrote. */
    Path stop() {
        jcmd("JFR.stop", "name=" + NAME);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("jcmd JFR.stop wrote no " + file);
        }
        return file;
    }

    private void jcmd(String... command) {
        List<String> line = new java.util.ArrayList<>(List.of(jcmd, Long.toString(pid)));
        line.addAll(List.of(command));
        try {
            Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", line) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + jcmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", line) + " interrupted", e);
        }
    }

    private static String jcmdOf(long pid) {
        return ProcessHandle.of(pid).flatMap(process -> process.info().command())
                .map(java -> Path.of(java).resolveSibling("jcmd"))
                .filter(Files::isExecutable)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "jcmd"))
                .toString();
    }
}
