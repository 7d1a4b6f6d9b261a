package eventshop.eventstore.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A second JVM running a main class of the test sources with the test class path: the way the file
 * engine tests get another process to crash, or to hold the store's lock. Stdout is read line by
 * line on a thread of its own (so the child never blocks on a full pipe); stderr goes to a file
 * that failure messages quote.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path stderr;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.reader = Thread.ofPlatform().daemon().name("child-stdout-" + process.pid()).start(this::readLines);
    }

    /** Starts {@code mainClass} in a new JVM; its stderr is written to {@code stderr}. */
    static ChildJvm start(Class<?> mainClass, Path stderr, String... args) {
        List<String> command = new ArrayList<>(List.of(javaExecutable(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(stderr.getParent());
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.to(stderr.toFile()))
                    .start();
            return new ChildJvm(process, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private static String javaExecutable() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(java)) {
            return java.toString();
        }
        return ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot find the java executable of this JVM"));
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the child was killed; what was read is kept
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * Waits for a stdout line that satisfies {@code condition} and returns it.
     *
     * @throws AssertionError if the child exits first, prints an {@code ERROR} line, or the time runs out
     */
    String awaitLine(Predicate<String> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    String line = lines.get(seen);
                    if (line.startsWith(CrashingAppender.ERROR)) {
                        throw new AssertionError("child " + pid() + " reported: " + line + describe());
                    }
                    if (condition.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("child " + pid() + " printed no expected line within " + timeout
                            + describe());
                }
                if (!process.isAlive() && !reader.isAlive() && seen == lines.size()) {
                    throw new AssertionError("child " + pid() + " exited with " + process.exitValue()
                            + " before printing the expected line" + describe());
                }
                lines.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 50));
            }
        }
    }

    /** Writes a line to the child's stdin. */
    void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Closes the child's stdin: a well-behaved child ends. */
    void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    /** Kills the child with SIGKILL (on Linux) and waits until it and its stdout are gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** Waits for the child to exit and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child " + pid() + " did not exit within " + timeout + describe());
        }
        reader.join(timeout.toMillis());
        return process.exitValue();
    }

    /** Every stdout line read so far (after {@link #kill()} or {@link #awaitExit}: all of them). */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    String describe() {
        List<String> out = lines();
        String tail = String.join("\n  ", out.subList(Math.max(0, out.size() - 5), out.size()));
        String err;
        try {
            err = Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            err = "(cannot read " + stderr + ": " + e + ")";
        }
        return "\nlast stdout lines:\n  " + tail + "\nstderr:\n" + (err.length() > 4000 ? err.substring(0, 4000) : err);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
