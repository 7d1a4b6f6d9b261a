package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@code store load}'s options: a bad one is a one-line error and exit status 2, before anything is sent. */
class StoreLoadOptionsTest {

    @TempDir
    Path data;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--rate|0|--rate: not a number above 0 and at most 10000: 0",
            "--rate|-5|--rate: not a number above 0 and at most 10000: -5",
            "--rate|NaN|--rate: not a number above 0 and at most 10000: NaN",
            "--rate|fast|--rate: not a number above 0 and at most 10000: fast",
            "--rate|20000|--rate: not a number above 0 and at most 10000: 20000",
            "--seconds|0.5|--seconds: not a whole number from 1 to 86400: 0.5",
            "--seconds|0|--seconds: not a whole number from 1 to 86400: 0",
            "--customers|0|--customers: not a whole number from 1 to 100000: 0",
            "--kafka|localhost|--kafka: not HOST:PORT: localhost",
            "--kafka|localhost:0|--kafka: not a port: 0",
            "--kafka|local host:9092|--kafka: not HOST:PORT: local host:9092",
            "--pid|abc|--pid: not a whole number from 1 to 9223372036854775807: abc",
            "--url|ftp://x|--url: not an http(s) URL: ftp://x",
            "--url|http://|--url: not an http(s) URL: http://",
            "--deadline|0|--deadline: not a whole number from 1 to 3600: 0",
            "--probe-ms|0|--probe-ms: not a whole number from 1 to 60000: 0",
            "--late-ms|-1|--late-ms: not a whole number from 0 to 60000: -1",
            "--frobnicate|1|unknown option of load: --frobnicate",
    })
    void aBadOption_isOneLineOfError_andExitStatus2(String option, String value, String message) {
        Run run = load("--data", data.toString(), option, value);

        assertThat(run.status).isEqualTo(2);
        assertThat(run.err.lines().findFirst()).contains("store: " + message);
        assertThat(run.out).isEmpty();
    }

    @Test
    void anOptionWithoutItsValue_isRefused() {
        Run run = load("--rate");

        assertThat(run.status).isEqualTo(2);
        assertThat(run.err.lines().findFirst()).contains("store: --rate needs a value");
    }

    @Test
    void aRateAndDurationThatScheduleNoCheckout_areRefused() {
        Run run = load("--data", data.toString(), "--pid", "1", "--rate", "0.1", "--seconds", "2");

        assertThat(run.status).isEqualTo(2);
        assertThat(run.err.lines().findFirst()).contains("store: --rate 0.1 for --seconds 2 schedules no checkout");
    }

    @Test
    void withoutARunningStoreOnTheDataDirectory_andNoPid_theLoadSaysSo() {
        Run run = load("--data", data.toString());

        assertThat(run.status).isEqualTo(2);
        assertThat(run.err.lines().findFirst()).contains("store: no store is running on " + data
                + " (its .lock names no live process): give --data DIR or --pid N");
    }

    @Test
    void theHelpNamesEveryOptionOfLoad() {
        Run run = run("help");

        assertThat(run.status).isZero();
        for (String option : new String[] {"--rate", "--seconds", "--customers", "--sku", "--url", "--data", "--kafka",
                "--pid", "--out", "--profile", "--deadline", "--probe-ms", "--late-ms"}) {
            assertThat(run.out).contains("  " + option + " ");
        }
    }

    @Test
    void theDefaultCustomersCoverFourSecondsOfCheckouts_atLeast20() {
        assertThat(Store.defaultCustomers(4)).isEqualTo(20);
        assertThat(Store.defaultCustomers(25)).isEqualTo(100);
        assertThat(Store.defaultCustomers(100)).isEqualTo(400);
    }

    private record Run(int status, String out, String err) {
    }

    private static Run load(String... options) {
        String[] args = new String[options.length + 1];
        args[0] = "load";
        System.arraycopy(options, 0, args, 1, options.length);
        return run(args);
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Store.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
