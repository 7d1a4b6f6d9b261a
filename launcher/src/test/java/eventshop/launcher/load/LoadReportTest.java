package eventshop.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The run's report ({@link LoadReport}) as JSON and on the terminal, and its chart ({@link LoadChart}). */
class LoadReportTest {

    @TempDir
    Path dir;

    private static LoadReport report() {
        return new LoadReport("2026-12-06T12:00:00Z",
                new LoadReport.Settings("http://localhost:18080", "localhost:19092", 10, 30, 20, "SKU-24642", 4242, 60, 50, 10),
                300, 300, 4, 1, new LoadReport.Latency(300, 0.4, 1.2, 12.5, 40.1), 297, Map.of("409", 2, "error", 1),
                Map.of("CONFIRMED", 290, "CANCELLED TIMED_OUT", 5, "NONE", 2), 290, 12, 2, List.of("o-1", "o-2"), 288, 2,
                new LoadReport.Latency(297, 30.1, 45, 60, 95.3), new LoadReport.Latency(290, 3100.2, 4000, 5000.4, 5300),
                new LoadReport.Latency(288, 3110.2, 4010, 5010.4, 5310),
                new LoadReport.Store(4242, 54_900L, 184.8, 1.83, 30.0, 1_200L * 1024 * 1024,
                        List.of(new LoadReport.CpuSample(1.0, 1.7), new LoadReport.CpuSample(2.0, 1.9))),
                new LoadReport.Observation(1800, 12, 3, 400, 1, 0), null);
    }

    @Test
    void theJsonHoldsEveryFigure_underStableNames_andReadsBackTheSame() throws Exception {
        // given a report
        LoadReport report = report();

        // when it is written
        Path file = report.write(dir);

        // then report.json names every figure the issue asks for
        JsonNode json = JsonMapper.builder().build().readTree(Files.readString(file));
        assertThat(file.getFileName().toString()).isEqualTo("report.json");
        assertThat(json.path("accepted").asInt()).isEqualTo(297);
        assertThat(json.path("refused").path("409").asInt()).isEqualTo(2);
        assertThat(json.path("outcomes").path("CANCELLED TIMED_OUT").asInt()).isEqualTo(5);
        assertThat(json.path("timedOut").asInt()).isEqualTo(2);
        assertThat(json.path("late").asInt()).isEqualTo(4);
        assertThat(json.path("waitedForCustomer").asInt()).isEqualTo(1);
        assertThat(json.path("acceptedToConfirmed").path("p99").asDouble()).isEqualTo(5000.4);
        assertThat(json.path("acceptedToVisible").path("p50").asDouble()).isEqualTo(3110.2);
        assertThat(json.path("intendedToAccepted").path("max").asDouble()).isEqualTo(95.3);
        assertThat(json.path("store").path("cpuMillisPerCheckout").asDouble()).isEqualTo(184.8);
        assertThat(json.path("store").path("rssBytes").asLong()).isEqualTo(1_200L * 1024 * 1024);
        assertThat(json.path("store").path("cpu")).hasSize(2);
        assertThat(json.path("settings").path("kafka").asString()).isEqualTo("localhost:19092");
        assertThat(LoadReport.fromJson(Files.readString(file))).isEqualTo(report);
    }

    @Test
    void theSummaryStatesTheCountsAndPercentiles() {
        String summary = report().summary();

        assertThat(summary).contains("300 of 300 checkouts started (4 late by more than 10 ms")
                .contains("1 starts waited for an idle customer (all 20 busy)")
                .contains("accepted 297, refused 3")
                .contains("2 without an outcome 60 s after the last acceptance")
                .contains("accepted -> CONFIRMED       p50 3100.2  p90 4000.0  p99 5000.4  max 5300.0 ms  (n=290)")
                .contains("54900 ms CPU in 30.0 s = 184.8 ms per accepted checkout, 1.83 cores; resident 1200 MiB");
    }

    @Test
    void latencyPercentilesComeFromAnHdrHistogram_inMilliseconds() {
        List<Duration> durations = new java.util.ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            durations.add(Duration.ofMillis(i));
        }

        LoadReport.Latency latency = LoadReport.Latency.of(durations);

        assertThat(latency.count()).isEqualTo(100);
        assertThat(latency.p50()).isEqualTo(50.0);
        assertThat(latency.p90()).isEqualTo(90.0);
        assertThat(latency.p99()).isEqualTo(99.0);
        assertThat(latency.max()).isEqualTo(100.0);
        assertThat(LoadReport.Latency.of(List.of())).isEqualTo(new LoadReport.Latency(0, 0, 0, 0, 0));
    }

    @Test
    void theChartIsAPng_withTheLatencyDotsAndTheCpuLine() throws Exception {
        // given two orders, one confirmed and visible, one cancelled, and two CPU samples
        Instant begin = Instant.parse("2026-12-06T12:00:00Z");
        List<Outcomes.Result> orders = List.of(
                new Outcomes.Result("a", begin.plusSeconds(1), Duration.ZERO, "CONFIRMED", begin.plusMillis(1200),
                        begin.plusMillis(1300), false),
                new Outcomes.Result("b", begin.plusSeconds(2), Duration.ZERO, "CANCELLED OUT_OF_STOCK", null, null, false));

        // when it is drawn
        Path file = LoadChart.write(dir.resolve("chart.png"), "test", orders, begin, 3,
                List.of(new LoadReport.CpuSample(1, 0.5), new LoadReport.CpuSample(2, 1.5)));

        // then it is a PNG with blue (confirmed) and green (CPU) pixels on white
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image.getWidth()).isEqualTo(1000);
        assertThat(image.getHeight()).isEqualTo(640);
        boolean blue = false;
        boolean green = false;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                blue |= rgb == 0x1f77b4;
                green |= rgb == 0x2ca02c;
            }
        }
        assertThat(blue).isTrue();
        assertThat(green).isTrue();
    }

    @Test
    void niceCeilings() {
        assertThat(LoadChart.niceCeiling(3)).isEqualTo(5);
        assertThat(LoadChart.niceCeiling(120)).isEqualTo(200);
        assertThat(LoadChart.niceCeiling(0.7)).isEqualTo(1);
        assertThat(LoadChart.niceCeiling(1000)).isEqualTo(1000);
    }
}
