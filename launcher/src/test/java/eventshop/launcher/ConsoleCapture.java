package eventshop.launcher;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Everything this test JVM prints to its console, stdout and stderr, from the moment the test run opens (a JUnit
 * launcher session listener, found through {@code META-INF/services}): every store the tests start logs there
 * through the launcher's one {@code logback.xml} (its console appender writes to whatever {@code System.out} is
 * when it writes), with every exception's stack trace. {@link LogsKeepNoSecretsTest} scans it. The console is
 * still written as before; the copy is kept in memory (a whole launcher run prints about a megabyte) up to
 * {@value #LIMIT} bytes, beyond which it keeps nothing more and says so ({@link #overflowed()}).
 */
public final class ConsoleCapture implements LauncherSessionListener {

    static final int LIMIT = 256 * 1024 * 1024;

    private static final ByteArrayOutputStream CAPTURED = new ByteArrayOutputStream(1 << 20);
    private static java.nio.charset.Charset charset = StandardCharsets.UTF_8;
    private static boolean installed;
    private static boolean overflowed;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        install();
    }

    /** Starts the copy; idempotent (a launcher may open a session per discovery and per execution). */
    static synchronized void install() {
        if (installed) {
            return;
        }
        charset = System.out.charset();
        System.setOut(teeing(System.out));
        System.setErr(teeing(System.err));
        installed = true;
    }

    /** Whether the copy runs: if not, nothing is captured and a scan would find nothing. */
    static synchronized boolean installed() {
        return installed;
    }

    static synchronized boolean overflowed() {
        return overflowed;
    }

    /** The console's text so far. */
    static synchronized String text() {
        return CAPTURED.toString(charset);
    }

    private static PrintStream teeing(PrintStream console) {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                console.write(b);
                keep(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                console.write(bytes, offset, length);
                keep(bytes, offset, length);
            }

            @Override
            public void flush() {
                console.flush();
            }
        };
        return new PrintStream(tee, true, console.charset());
    }

    private static synchronized void keep(byte[] bytes, int offset, int length) {
        if (CAPTURED.size() + length > LIMIT) {
            overflowed = true;
            return;
        }
        CAPTURED.write(bytes, offset, length);
    }
}
