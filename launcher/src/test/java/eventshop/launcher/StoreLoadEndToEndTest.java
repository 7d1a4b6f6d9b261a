package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.launcher.load.CheckoutLoad;
import eventshop.launcher.load.LoadReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code store load} against the {@link SharedStore}: a short open-loop run whose report adds up. The
 * "store process" is this JVM (the shared store runs in it), named by its pid as {@code --pid} would.
 */
class StoreLoadEndToEndTest {

    @TempDir
    Path out;

    @Test
    void aShortRun_hasAnOutcomeForEveryAcceptedCheckout_andCountsThatAddUp() throws Exception {
        // given the store, a product whose price the carts know, and the load's settings: 5/s for 4 s, profiled
        SharedStore shop = SharedStore.get();
        String sku = shop.product(1_500, 5);
        shop.addToCart(shop.customer(SharedStore.APPROVES), sku, 1);
        long pid = ProcessHandle.current().pid();
        CheckoutLoad.Settings settings = new CheckoutLoad.Settings(shop.store.edgeUrl(), shop.store.adminPassword(), 5,
                Duration.ofSeconds(4), 5, sku, "localhost:" + shop.store.config().kafkaPort(), pid, out, true,
                Duration.ofSeconds(60), CheckoutLoad.Settings.PROBE_INTERVAL, CheckoutLoad.Settings.LATE_TOLERANCE);
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();

        // when it runs
        int status = new CheckoutLoad(settings, new PrintStream(terminal, true, StandardCharsets.UTF_8)).run();

        // then every slot started and every checkout was accepted and confirmed
        LoadReport report = LoadReport.fromJson(Files.readString(out.resolve("report.json")));
        String printed = terminal.toString(StandardCharsets.UTF_8);
        System.out.print(printed); // the run's summary, in the test's output
        assertThat(status).as(printed).isZero();
        assertThat(report.scheduled()).isEqualTo(20);
        assertThat(report.started()).isEqualTo(20);
        assertThat(report.late()).isBetween(0, report.started());
        assertThat(report.waitedForCustomer()).isBetween(0, report.started());
        assertThat(report.startLateness().count()).isEqualTo(20);
        assertThat(report.accepted() + report.refused().values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(report.started());
        assertThat(report.accepted()).as(printed).isEqualTo(20);
        assertThat(report.outcomes()).as(printed).containsOnlyKeys("CONFIRMED");
        assertThat(report.outcomes().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(report.accepted());
        assertThat(report.timedOut()).isZero();
        assertThat(report.timedOutOrders()).isEmpty();
        assertThat(report.confirmed()).isEqualTo(20);

        // and every confirmation was seen in the views, with consistent percentiles
        assertThat(report.visible()).isEqualTo(report.confirmed());
        assertThat(report.notVisible()).isZero();
        assertThat(report.intendedToAccepted().count()).isEqualTo(20);
        for (LoadReport.Latency latency : new LoadReport.Latency[] {report.acceptedToConfirmed(), report.acceptedToVisible()}) {
            assertThat(latency.count()).isEqualTo(20);
            assertThat(latency.p50()).isLessThanOrEqualTo(latency.p90());
            assertThat(latency.p90()).isLessThanOrEqualTo(latency.p99());
            assertThat(latency.p99()).isLessThanOrEqualTo(latency.max());
        }

        // and watching cost less than a request per order: one subscription, at most a probe per confirmation
        assertThat(report.observation().probes()).isBetween(1, report.confirmed() + report.observation().probesUnanswered());
        assertThat(report.observation().ordersEventsRecords()).isGreaterThanOrEqualTo(20);

        // and the store's CPU and memory were read
        LoadReport.Store store = report.store();
        assertThat(store.pid()).isEqualTo(pid);
        assertThat(store.cpuMillis()).isPositive();
        assertThat(store.cpuMillisPerCheckout()).isEqualTo((double) store.cpuMillis() / report.accepted());
        assertThat(store.rssBytes()).isGreaterThan(50L * 1024 * 1024);
        assertThat(store.seconds()).isGreaterThanOrEqualTo(3.8);
        assertThat(store.cpu()).isNotEmpty();

        // and the chart and the profile were written, and the terminal says where
        assertThat(ImageIO.read(out.resolve("chart.png").toFile()).getWidth()).isEqualTo(1000);
        assertThat(report.profile()).isEqualTo(out.resolve("store.jfr").toAbsolutePath().toString());
        assertThat(Files.size(out.resolve("store.jfr"))).isPositive();
        assertThat(printed).contains("20 of 20 checkouts started").contains("accepted 20, refused 0")
                .contains("report: " + out.resolve("report.json"));
    }
}
