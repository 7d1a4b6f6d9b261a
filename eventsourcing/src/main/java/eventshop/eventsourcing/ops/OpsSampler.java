package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.projection.ProjectionStatus;
import eventshop.eventsourcing.projection.ProjectionStatus.GenerationStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The rates the operations console shows, sampled once a second: the log's head (events appended per second over
 * the last {@value #HEAD_SECONDS} seconds) and every live projection generation's {@code processed} count (events
 * applied per second over the last {@value #APPLIED_SECONDS} seconds, for a rebuild's remaining time).
 *
 * <p>It samples only while someone looked in the last {@value #WATCHED_MINUTES} minutes ({@link #touch}: the
 * overview and the read models' page do): unwatched, it drops its samples and each tick does nothing, so a service
 * no one watches pays a wake-up a second and nothing more. The first look after a quiet spell has no rates yet
 * (an empty list, null rates); they fill in over the following seconds. One scheduled virtual thread, started and
 * stopped with the context.
 *
 * <p>Thread-safe.
 */
public final class OpsSampler implements SmartLifecycle {

    static final int HEAD_SECONDS = 60;
    static final int APPLIED_SECONDS = 10;
    static final int WATCHED_MINUTES = 5;

    private static final Logger LOG = LoggerFactory.getLogger(OpsSampler.class);
    private static final Duration WATCHED = Duration.ofMinutes(WATCHED_MINUTES);

    /** Events appended to the log in the second that ended {@code at}. */
    public record Rate(Instant at, long events) {
    }

    private record Sample(Instant at, long value) {
    }

    private record Generation(String projection, int generation) {
    }

    private final LongSupplier head;
    private final Supplier<List<ProjectionStatus>> projections;
    private final Clock clock;
    private final ArrayDeque<Sample> heads = new ArrayDeque<>();
    private final Map<Generation, ArrayDeque<Sample>> applied = new HashMap<>();
    private volatile @Nullable Instant lastLook;
    private @Nullable ScheduledExecutorService ticker;

    /**
     * @param head        the log's head position now
     * @param projections the projections' statuses now (an empty list for a service without read models)
     */
    public OpsSampler(LongSupplier head, Supplier<List<ProjectionStatus>> projections, Clock clock) {
        this.head = head;
        this.projections = projections;
        this.clock = clock;
    }

    /** Someone looks: sample for the next {@value #WATCHED_MINUTES} minutes (and now, if it was not sampling). */
    public void touch() {
        boolean wasIdle = !watched(clock.instant());
        lastLook = clock.instant();
        if (wasIdle) {
            sample();
        }
    }

    /** Events appended per second, oldest first, over the last {@value #HEAD_SECONDS} seconds it sampled. */
    public List<Rate> appended() {
        synchronized (this) {
            List<Rate> rates = new ArrayList<>(heads.size());
            Sample previous = null;
            for (Sample sample : heads) {
                if (previous != null) {
                    rates.add(new Rate(sample.at(), perSecond(previous, sample)));
                }
                previous = sample;
            }
            return rates;
        }
    }

    /**
     * Events per second a generation of a projection applied over the last {@value #APPLIED_SECONDS} seconds
     * (rounded to a tenth), or null until it has two samples of it.
     */
    public @Nullable Double applied(String projection, int generation) {
        synchronized (this) {
            ArrayDeque<Sample> samples = applied.get(new Generation(projection, generation));
            if (samples == null || samples.size() < 2) {
                return null;
            }
            long millis = Duration.between(samples.getFirst().at(), samples.getLast().at()).toMillis();
            if (millis <= 0) {
                return null;
            }
            double rate = (samples.getLast().value() - samples.getFirst().value()) * 1000.0 / millis;
            return Math.round(rate * 10) / 10.0;
        }
    }

    /** One tick: samples if someone looked lately, else forgets what it had. */
    void sample() {
        Instant now = clock.instant();
        if (!watched(now)) {
            synchronized (this) {
                heads.clear();
                applied.clear();
            }
            return;
        }
        long position = head.getAsLong();
        List<ProjectionStatus> statuses = projections.get();
        synchronized (this) {
            keep(heads, new Sample(now, position), HEAD_SECONDS + 1);
            Set<Generation> live = new HashSet<>();
            for (ProjectionStatus status : statuses) {
                note(status.name(), status.active(), now, live);
                if (status.rebuild() != null) {
                    note(status.name(), status.rebuild(), now, live);
                }
            }
            applied.keySet().retainAll(live);
        }
    }

    private void note(String projection, GenerationStatus generation, Instant now, Set<Generation> live) {
        Generation key = new Generation(projection, generation.generation());
        live.add(key);
        ArrayDeque<Sample> samples = applied.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (!samples.isEmpty() && samples.getLast().value() > generation.processed()) {
            samples.clear(); // its runner started again: processed counts from 0
        }
        keep(samples, new Sample(now, generation.processed()), APPLIED_SECONDS + 1);
    }

    private static void keep(ArrayDeque<Sample> samples, Sample sample, int most) {
        samples.addLast(sample);
        while (samples.size() > most) {
            samples.removeFirst();
        }
    }

    private static long perSecond(Sample from, Sample to) {
        long millis = Math.max(1, Duration.between(from.at(), to.at()).toMillis());
        return Math.round((to.value() - from.value()) * 1000.0 / millis);
    }

    private boolean watched(Instant now) {
        Instant look = lastLook;
        return look != null && !look.plus(WATCHED).isBefore(now);
    }

    private void tick() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.debug("could not sample the rates for the operations console", e);
        }
    }

    @Override
    public synchronized void start() {
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("ops-sampler").factory());
            ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return ticker != null;
    }
}
