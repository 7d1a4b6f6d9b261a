package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code store check}'s options: a bad one is a one-line error and exit status 2; a store that cannot be checked
 * (nothing answers) is exit status 2 too, never 0 (held) nor 1 (a violation).
 */
class StoreCheckOptionsTest {

    @TempDir
    Path data;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--wait|-1|--wait: not a whole number from 0 to 3600: -1",
            "--wait|soon|--wait: not a whole number from 0 to 3600: soon",
            "--kafka|localhost|--kafka: not HOST:PORT: localhost",
            "--url|ftp://x|--url: not an http(s) URL: ftp://x",
            "--accepted|/no/such/file|cannot read --accepted /no/such/file",
            "--frobnicate|1|unknown option of check: --frobnicate",
    })
    void aBadOption_isOneLineOfError_andExitStatus2(String option, String value, String message) {
        Run run = run("check", "--data", data.toString(), option, value);

        assertThat(run.status).isEqualTo(2);
        assertThat(run.err.lines().findFirst()).get().asString().startsWith("store: " + message);
        assertThat(run.out).isEmpty();
    }

    @Test
    void aStoreThatDoesNotAnswer_cannotBeChecked_exitStatus2() throws Exception {
        Files.createDirectories(data.resolve("secrets"));
        Files.writeString(data.resolve("secrets").resolve("admin-password"), "whatever");

        Run run = run("check", "--data", data.toString(), "--url", "http://localhost:" + FreePorts.next(), "--wait", "0");

        assertThat(run.status).isEqualTo(2);
        assertThat(run.err).startsWith("store check: could not check: ");
        assertThat(run.out).doesNotContain("held");
    }

    @Test
    void theHelpNamesCheck() {
        assertThat(run("help").out).contains("  check   check the invariants of the running store");
    }

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Store.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
