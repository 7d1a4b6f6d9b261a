package eventshop.launcher.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one {@code store load} run measured, as it is written to {@code report.json} and summed up on
 * the terminal. Counts add up: {@code accepted + refused = started}; the outcome counts add up to
 * {@code accepted}, orders without an outcome within the deadline under {@code NONE} (= {@code timedOut});
 * {@code visible + notVisible = confirmed}. Times in milliseconds, measured from the client's side.
 *
 * @param scheduled          checkouts the schedule had ({@code rate × seconds})
 * @param started            checkouts that sent their first request
 * @param late               starts later than {@code lateToleranceMs} after their slot
 * @param waitedForCustomer  starts that found every customer busy with an earlier checkout and waited for
 *                           one (late for want of customers: more {@code --customers} keep the load open)
 * @param startLateness      slot → first request, of every start
 * @param refused            checkouts not accepted, by HTTP status ({@code error} when no answer)
 * @param outcomes           accepted orders by outcome: {@code CONFIRMED}, {@code CANCELLED <reason>}, {@code NONE}
 * @param delivered          confirmed orders that also reached DELIVERED during the run
 * @param timedOutOrders     the first 20 of them
 * @param intendedToAccepted slot → 202 (the client's view, coordinated omission included)
 * @param acceptedToConfirmed 202 → the {@code OrderConfirmed} event's timestamp
 * @param acceptedToVisible  202 → the views' order history shows the confirmation
 * @param store              the store process: CPU and memory
 * @param observation        what watching cost and saw: records read, probes sent
 * @param profile            the JFR recording of the store, or null
 */
public record LoadReport(String startedAt, Settings settings, int scheduled, int started, int late, int waitedForCustomer,
                         Latency startLateness,
                         int accepted, Map<String, Integer> refused, Map<String, Integer> outcomes, int confirmed,
                         int delivered, int timedOut, List<String> timedOutOrders, int visible, int notVisible,
                         Latency intendedToAccepted, Latency acceptedToConfirmed, Latency acceptedToVisible, Store store,
                         Observation observation, String profile) {

    /** The run's settings, as given. */
    public record Settings(String url, String kafka, double rate, int seconds, int customers, String sku, long pid,
                           long deadlineSeconds, long probeIntervalMs, long lateToleranceMs) {
    }

    /** Percentiles of a histogram in microseconds, as milliseconds. */
    public record Latency(long count, double p50, double p90, double p99, double max) {

        static Latency of(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0);
            }
            return new Latency(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)),
                    ms(micros.getValueAtPercentile(90)), ms(micros.getValueAtPercentile(99)), ms(micros.getMaxValue()));
        }

        static Latency of(List<Duration> durations) {
            Histogram histogram = histogram();
            durations.forEach(d -> histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), d.toNanos() / 1000)));
            return of(histogram);
        }

        private static double ms(long micros) {
            return Math.round(micros / 100.0) / 10.0;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "p50 %.1f  p90 %.1f  p99 %.1f  max %.1f ms  (n=%d)", p50, p90, p99, max, count);
        }
    }

    /**
     * The store process during the measured part (first slot → end of the run).
     *
     * @param cpuMillis            user + system CPU of the whole process, null if it could not be read
     * @param cpuMillisPerCheckout cpuMillis ÷ accepted checkouts
     * @param cores                cpuMillis ÷ wall time: cores busy on average
     * @param rssBytes             VmRSS at the end
     * @param cpu                  cores busy in each second of the run
     */
    public record Store(long pid, Long cpuMillis, Double cpuMillisPerCheckout, Double cores, double seconds, Long rssBytes,
                        List<CpuSample> cpu) {
    }

    /** Cores the store kept busy in the second ending {@code at} seconds after the first slot. */
    public record CpuSample(double at, double cores) {
    }

    /**
     * @param ordersEventsRecords records the subscription read from {@code orders.events}
     * @param ignored             status events of orders this run did not accept
     * @param duplicates          status events delivered again (counted once)
     * @param probes              requests to the views' order history
     * @param probesUnanswered    of them, not answered 200 (the views' bounded wait ran out)
     * @param cancelledAfterConfirmed orders cancelled after they were confirmed (outcome stays CONFIRMED)
     */
    public record Observation(long ordersEventsRecords, int ignored, int duplicates, int probes, int probesUnanswered,
                              int cancelledAfterConfirmed) {
    }

    static Histogram histogram() {
        return new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    }

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    public static LoadReport fromJson(String json) {
        return JSON.readValue(json, LoadReport.class);
    }

    /** Writes {@code report.json} into {@code dir}; returns its path. */
    public Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve("report.json"), toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + dir, e);
        }
    }

    /** The terminal summary. */
    public String summary() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "store load: %d of %d checkouts started (%d late by more than %d ms; "
                + "slot -> first request %s)%n", started, scheduled, late, settings.lateToleranceMs(), startLateness));
        if (waitedForCustomer > 0) {
            text.append(String.format(Locale.ROOT, "  %d starts waited for an idle customer (all %d busy): "
                    + "more --customers keep the load open%n", waitedForCustomer, settings.customers()));
        }
        text.append(String.format(Locale.ROOT, "  accepted %d, refused %d %s%n", accepted,
                refused.values().stream().mapToInt(Integer::intValue).sum(), refused));
        text.append(String.format(Locale.ROOT, "  outcomes %s; %d delivered; %d without an outcome %d s after the last acceptance%n", outcomes,
                delivered, timedOut, settings.deadlineSeconds()));
        text.append(String.format(Locale.ROOT, "  slot -> accepted            %s%n", intendedToAccepted));
        text.append(String.format(Locale.ROOT, "  accepted -> CONFIRMED       %s%n", acceptedToConfirmed));
        text.append(String.format(Locale.ROOT, "  accepted -> visible (views) %s; %d confirmations never seen there%n",
                acceptedToVisible, notVisible));
        if (store.cpuMillis() != null) {
            text.append(String.format(Locale.ROOT, "  store (pid %d): %d ms CPU in %.1f s = %.1f ms per accepted checkout, "
                            + "%.2f cores; resident %d MiB at the end%n", store.pid(), store.cpuMillis(), store.seconds(),
                    store.cpuMillisPerCheckout() == null ? Double.NaN : store.cpuMillisPerCheckout(), store.cores(),
                    store.rssBytes() / (1024 * 1024)));
        } else {
            text.append(String.format(Locale.ROOT, "  store (pid %d): CPU and memory not readable%n", store.pid()));
        }
        text.append(String.format(Locale.ROOT, "  watching: %d records of orders.events, %d probes of the views "
                + "(%d unanswered), %d events of other orders ignored, %d duplicates%n", observation.ordersEventsRecords(),
                observation.probes(), observation.probesUnanswered(), observation.ignored(), observation.duplicates()));
        if (profile != null) {
            text.append("  profile of the store: ").append(profile).append(System.lineSeparator());
        }
        return text.toString();
    }
}
