package eventshop.orders.deadlines;

import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.leadership.Leadership;
import eventshop.eventsourcing.projection.Projections;
import eventshop.orders.OrdersProperties;
import eventshop.orders.order.Orders;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Tells orders that a deadline passed: one thread, every {@code eventshop.orders.deadline-poll}, reads the
 * due rows of {@link Deadlines} and hands each to its order as {@code DeadlinePassed(orderId, step,
 * attempt, now)}. The order acts only if that deadline is still its current one, so a row the read model
 * has not caught up with yet, or two schedulers, change nothing; a row that decided nothing is left alone
 * for a second. Nothing is held in memory that a restart would lose: the deadlines are in the events. Each
 * deadline runs in a span {@code deadline <step>} continuing the trace of the order's latest event, so a
 * checkout's delivery (and a timeout's compensation) stays in the checkout's trace.
 * With {@code eventshop.orders.deadline-scheduler=false} the thread does not run ({@link #pollOnce} still works).
 *
 * <p>Once per service: only the instance that leads the service's {@link Leadership} role polls (it asks
 * before each poll), so with several instances a deadline is handed to its order once, not once per
 * instance; if the leader goes, the instance that takes over polls the same rows.
 */
@Component
public class DeadlineScheduler implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(DeadlineScheduler.class);
    private static final int BATCH = 200;
    private static final Duration QUIET = Duration.ofSeconds(1);

    private final Orders orders;
    private final Projections projections;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final OrdersProperties properties;
    private final Leadership leadership;
    private final CommandContexts contexts;
    private final Map<Deadlines.Due, Instant> quiet = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService executor;
    private Leadership.Registration registration;

    public DeadlineScheduler(Orders orders, Projections projections, JdbcTemplate jdbc, Clock clock,
                             Supplier<UUID> ids, OrdersProperties properties, MeterRegistry registry,
                             Leadership leadership, CommandContexts contexts) {
        this.contexts = contexts;
        this.orders = orders;
        this.projections = projections;
        this.jdbc = jdbc;
        this.clock = clock;
        this.ids = ids;
        this.properties = properties;
        this.leadership = leadership;
        Gauge.builder("orders.compensations.pending", this, DeadlineScheduler::pendingCompensations)
                .description("compensations (release, void, refund) waiting for their replies").register(registry);
    }

    /**
     * Handles every deadline due now (at most one batch).
     *
     * @return how many orders decided something
     */
    public int pollOnce() {
        Instant now = clock.instant();
        quiet.values().removeIf(until -> !now.isBefore(until));
        List<Deadlines.Due> due = projections.read(Deadlines.NAME,
                tables -> Deadlines.due(jdbc, tables, now, BATCH));
        int acted = 0;
        for (Deadlines.Due deadline : due) {
            if (quiet.containsKey(deadline)) {
                continue;
            }
            try {
                boolean decided = contexts.inSpan("deadline " + deadline.step(), orders.traceOf(deadline.orderId()),
                        () -> decide(deadline));
                if (decided) {
                    acted++;
                } else if (deadline.dueAt().toEpochMilli() < now.toEpochMilli()) {
                    // stale (the read model lags, or the order moved on); a row due this very millisecond may
                    // just be early (the row rounds down), so it is not put aside
                    quiet.put(deadline, now.plus(QUIET));
                }
            } catch (RuntimeException e) {
                LOG.warn("deadline {} of order {} failed: {}", deadline, deadline.orderId(), e.toString());
                quiet.put(deadline, now.plus(QUIET));
            }
        }
        return acted;
    }

    /** Hands the deadline to its order, in the order's conversation and trace; whether it decided something. */
    private boolean decide(Deadlines.Due deadline) {
        UUID commandId = ids.get();
        CommandContext context = orders.correlationOf(deadline.orderId())
                .map(correlation -> CommandContext.causedBy(commandId, correlation, ""))
                .orElseGet(() -> CommandContext.start(commandId, ""))
                .withHeaders(contexts.traceHeaders());
        return !orders.deadlinePassed(deadline.orderId(), deadline.step(), deadline.attempt(), context).events()
                .isEmpty();
    }

    private double pendingCompensations() {
        try {
            return projections.read(Deadlines.NAME, tables -> Deadlines.pendingCompensations(jdbc, tables));
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public void start() {
        synchronized (this) {
            if (registration != null || !properties.deadlineScheduler()) {
                return;
            }
        }
        Leadership.Registration registered = leadership.run("orders' deadline scheduler", new Leadership.Work() {
            @Override
            public void lead() {
                startPolling();
            }

            @Override
            public void standBy() {
                stopPolling();
            }
        });
        synchronized (this) {
            registration = registered;
        }
    }

    private synchronized void startPolling() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("orders-deadlines").daemon(true).factory());
        long period = Math.max(1, properties.deadlinePoll().toMillis());
        executor.scheduleWithFixedDelay(this::pollSafely, period, period, TimeUnit.MILLISECONDS);
        LOG.info("deadline scheduler polls every {}", properties.deadlinePoll());
    }

    private void pollSafely() {
        if (!leadership.leading()) {
            return; // the lead is not confirmed: the scheduler stops soon, or goes on once it is
        }
        try {
            pollOnce();
        } catch (RuntimeException e) {
            LOG.warn("deadline poll failed: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        Leadership.Registration registered;
        synchronized (this) {
            registered = registration;
            registration = null;
        }
        if (registered != null) {
            registered.close();
        }
        stopPolling();
    }

    private synchronized void stopPolling() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    /** Whether this instance's scheduler thread polls: it leads the service's role (and the scheduler is on). */
    public synchronized boolean polling() {
        return executor != null;
    }

    @Override
    public synchronized boolean isRunning() {
        return registration != null;
    }

    /** After the projections (which start earlier), before the web server. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 2048;
    }
}
