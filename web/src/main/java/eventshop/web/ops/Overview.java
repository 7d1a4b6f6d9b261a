package eventshop.web.ops;

import eventshop.web.ops.OpsApi.Breaker;
import eventshop.web.ops.OpsApi.ConsumerGroup;
import eventshop.web.ops.OpsApi.ParkedCount;
import eventshop.web.ops.OpsApi.Projection;
import eventshop.web.ops.OpsApi.RatePoint;
import eventshop.web.ops.OpsApi.ServiceOverview;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The console's overview: every service's overview (or why it could not be read), edge's breakers, and what is
 * unhealthy, each in words ({@code orders: relay lag 1,200}): a service that does not answer, a relay that is not
 * running, has failed or lags by {@code lagWarning} events or more, a consumer group or read model that lags that
 * much, a read model that failed, stopped or is not ready, parked messages, and a breaker that is not closed.
 *
 * @param at        when it was read
 * @param services  one panel per service, in the console's order
 * @param breakers  edge's breakers, or the error that stands in for them
 * @param unhealthy what is wrong, in words, services first
 */
public record Overview(Instant at, List<ServicePanel> services, Panel<List<Breaker>> breakers, List<String> unhealthy) {

    /**
     * One service's panel: its overview (null if it did not answer, then {@code error} says why), its events per
     * second as a {@link Sparkline}, and its problems in words (empty when healthy).
     */
    public record ServicePanel(String service, @Nullable ServiceOverview overview, @Nullable String error,
                               Sparkline rate, List<String> problems) {

        public boolean healthy() {
            return problems.isEmpty();
        }

        /** The relay's position as a share of the log's head, 0..100. */
        public int relayPercent() {
            if (overview == null || overview.relay() == null || overview.relay().head() <= 0) {
                return 100;
            }
            return (int) Math.min(100, Math.max(0, overview.relay().position() * 100 / overview.relay().head()));
        }

        public long parkedPending() {
            return overview == null ? 0 : overview.parked().stream().mapToLong(ParkedCount::pending).sum();
        }
    }

    private static final Set<String> FINE_BREAKER_STATES = Set.of("CLOSED", "DISABLED");

    /** The overview of what was read. */
    public static Overview of(Instant at, List<Panel<ServiceOverview>> services, Panel<List<Breaker>> breakers,
                              long lagWarning) {
        List<ServicePanel> panels = new ArrayList<>();
        List<String> unhealthy = new ArrayList<>();
        for (Panel<ServiceOverview> panel : services) {
            ServiceOverview overview = panel.value();
            List<String> problems = overview == null ? List.of("not answering: " + panel.error())
                    : problems(overview, lagWarning);
            problems.forEach(problem -> unhealthy.add(panel.service() + ": " + problem));
            Sparkline rate = Sparkline.of(overview == null ? List.of()
                    : overview.rate().stream().map(RatePoint::events).toList());
            panels.add(new ServicePanel(panel.service(), overview, panel.error(), rate, problems));
        }
        if (breakers.value() == null) {
            unhealthy.add("edge: breakers not answering: " + breakers.error());
        } else {
            for (Breaker breaker : breakers.value()) {
                if (!breakerFine(breaker)) {
                    unhealthy.add("edge: breaker " + breaker.route() + " " + breaker.state()
                            + (breaker.failureRate() >= 0 ? String.format(Locale.ROOT, ", failure rate %.0f%%",
                            breaker.failureRate()) : ""));
                }
            }
        }
        return new Overview(at, List.copyOf(panels), breakers, List.copyOf(unhealthy));
    }

    /** Whether edge answered and every breaker lets calls through as usual. */
    public boolean breakersHealthy() {
        return breakers.value() != null && breakers.value().stream().allMatch(Overview::breakerFine);
    }

    /** Whether a breaker lets calls through as usual. */
    public static boolean breakerFine(Breaker breaker) {
        return FINE_BREAKER_STATES.contains(breaker.state());
    }

    private static List<String> problems(ServiceOverview overview, long lagWarning) {
        List<String> problems = new ArrayList<>();
        var relay = overview.relay();
        if (relay != null) {
            if (!"RUNNING".equals(relay.state())) {
                problems.add("relay " + relay.state());
            }
            if (relay.lag() >= lagWarning) {
                problems.add("relay lag " + count(relay.lag()));
            }
            if (relay.lastError() != null) {
                problems.add("relay error: " + relay.lastError());
            }
        }
        for (ConsumerGroup consumer : overview.consumers()) {
            if (consumer.lag() >= lagWarning) {
                problems.add("consumer " + consumer.group() + " on " + consumer.topic() + " lag " + count(consumer.lag()));
            }
        }
        for (Projection projection : overview.projections()) {
            if ("FAILED".equals(projection.state()) || "STOPPED".equals(projection.state())) {
                problems.add("read model " + projection.name() + " " + projection.state());
            } else if (!projection.ready()) {
                problems.add("read model " + projection.name() + " not ready");
            }
            if (projection.lag() >= lagWarning) {
                problems.add("read model " + projection.name() + " lag " + count(projection.lag()));
            }
        }
        for (ParkedCount parked : overview.parked()) {
            if (parked.pending() > 0) {
                problems.add(count(parked.pending()) + " parked on " + parked.topic());
            }
        }
        return List.copyOf(problems);
    }

    static String count(long number) {
        return String.format(Locale.ROOT, "%,d", number);
    }
}
