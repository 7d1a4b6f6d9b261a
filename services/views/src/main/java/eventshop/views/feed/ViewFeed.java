package eventshop.views.feed;

import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.views.feed.FeedStore.Generation;
import eventshop.views.feed.FeedStore.Status;
import eventshop.views.model.ViewSchema;
import eventshop.views.model.ViewTables;
import eventshop.views.model.ViewUpdater;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The views' runtime: which generation serves queries, the runner following the topics for it, and
 * a rebuild into a new generation while the serving one goes on.
 *
 * <p><b>Rebuild (blue/green).</b> {@link #rebuild()} creates generation n+1's tables, registers it
 * {@code BUILDING} and starts a second runner from the beginning of every partition. Once it has
 * reached the end offsets it measured when it started, it stops the serving runner (which finishes
 * its batch), reads on until it has applied at least as far as the serving runner's final
 * checkpoints, and switches: one transaction marks n {@code RETIRED} and n+1 {@code ACTIVE}; from the
 * next query on, reads go to n+1's tables, and the rebuilding runner simply goes on as the serving
 * one. Generation n's tables are dropped {@code drop-after} later (queries still running on them
 * finish). During the hand-over (normally a batch or two) consistency-token waits see latency; the
 * positions they wait for never go backwards. A restart resumes a rebuild from its own checkpoints.
 *
 * <p>Thread-safe.
 */
public final class ViewFeed implements SmartLifecycle, FeedRunner.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(ViewFeed.class);

    /** The views' state for operators. */
    public record FeedStatus(int generation, String state, boolean caughtUp, Map<String, Long> appliedBySource,
                             long lag, List<FeedRunner.PartitionStatus> partitions, long records, long skipped,
                             @Nullable String lastError, @Nullable Instant lastErrorAt, @Nullable Rebuild rebuild) {
    }

    /** A rebuild in progress: {@code progress} is the share of the measured end offsets applied (0..1). */
    public record Rebuild(int generation, String state, long applied, long target, double progress,
                          List<FeedRunner.PartitionStatus> partitions, @Nullable String lastError) {
    }

    private final ViewsProperties settings;
    private final Map<String, Object> clientConfig;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final FeedStore store;
    private final ViewUpdater updater = new ViewUpdater();
    private final SourceProgress progress;
    private final ReadYourWrites readYourWrites;
    /** Held by a runner while it applies a batch, and by {@link #consistently}: a reader sees whole batches. */
    private final Object applyLock = new Object();

    private volatile @Nullable FeedRunner serving;
    private volatile @Nullable FeedRunner building;
    private volatile @Nullable ViewTables servingTables;
    private volatile boolean running;
    private @Nullable ScheduledExecutorService janitor;

    public ViewFeed(ViewsProperties settings, Map<String, Object> clientConfig, JdbcTemplate jdbc,
                    TransactionTemplate transactions, ReadYourWrites readYourWrites) {
        this.settings = settings;
        this.clientConfig = Map.copyOf(clientConfig);
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.store = new FeedStore(jdbc);
        this.readYourWrites = readYourWrites;
        this.progress = new SourceProgress(settings.topics().stream().map(ViewsProperties::sourceOf)
                .collect(Collectors.toSet()));
    }

    // ---------------------------------------------------------------- queries

    /**
     * Runs {@code query} against the serving generation's tables, after waiting (bounded) until the
     * views have applied the position of {@code consistencyToken}, if one is given.
     *
     * @throws eventshop.eventsourcing.consistency.InvalidConsistencyToken malformed, or from a service the views do not follow (400)
     * @throws eventshop.eventsourcing.consistency.NotYetConsistent       the wait ran out (503)
     */
    public <T> T read(@Nullable String consistencyToken, Function<ViewTables, T> query) {
        readYourWrites.await(progress, consistencyToken);
        return query.apply(tables());
    }

    /**
     * Runs {@code query} against the serving tables while no batch is being applied, so it sees the
     * views as of a batch boundary, with {@code offsets} the checkpoints at that boundary.
     */
    public <T> T consistently(java.util.function.BiFunction<ViewTables, Map<TopicPartition, Long>, T> query) {
        synchronized (applyLock) {
            FeedRunner runner = serving;
            Map<TopicPartition, Long> offsets = runner == null ? Map.of() : runner.committed();
            return query.apply(tables(), offsets);
        }
    }

    /** The serving generation's tables. */
    public ViewTables tables() {
        ViewTables tables = servingTables;
        if (tables == null) {
            throw new IllegalStateException("the views are not started");
        }
        return tables;
    }

    public SourceProgress progress() {
        return progress;
    }

    // ---------------------------------------------------------------- operations

    /** Starts rebuilding every view into a new generation; does nothing if a rebuild is running. */
    public synchronized FeedStatus rebuild() {
        if (!running) {
            throw new IllegalStateException("the views are not running");
        }
        if (building == null) {
            int generation = store.generations().stream().mapToInt(Generation::generation).max().orElse(0) + 1;
            ViewTables tables = new ViewTables(generation);
            transactions.executeWithoutResult(tx -> {
                ViewSchema.create(jdbc, tables);
                store.insert(generation, Status.BUILDING);
            });
            FeedRunner runner = runner(generation, false);
            building = runner;
            runner.start();
            LOG.info("views: rebuilding from the beginning of the topics into generation {}", generation);
        }
        return status();
    }

    public FeedStatus status() {
        FeedRunner runner = serving;
        FeedRunner rebuilding = building;
        List<FeedRunner.PartitionStatus> partitions = runner == null ? List.of() : runner.partitions();
        long lag = partitions.stream().mapToLong(p -> p.lag() == null ? 0 : p.lag()).sum();
        Rebuild rebuild = null;
        if (rebuilding != null) {
            Map<TopicPartition, Long> target = rebuilding.target();
            Map<TopicPartition, Long> committed = rebuilding.committed();
            long goal = target == null ? 0 : target.values().stream().mapToLong(Long::longValue).sum();
            long done = target == null ? 0 : target.entrySet().stream()
                    .mapToLong(e -> Math.min(e.getValue(), committed.getOrDefault(e.getKey(), 0L))).sum();
            rebuild = new Rebuild(rebuilding.generation(), rebuilding.state().name(), done, goal,
                    goal == 0 ? (target == null ? 0 : 1) : (double) done / goal, rebuilding.partitions(),
                    rebuilding.lastError());
        }
        return new FeedStatus(runner == null ? 0 : runner.generation(),
                runner == null ? "STOPPED" : runner.state().name(), runner != null && runner.caughtUpOnce(),
                progress.all(), lag, partitions, runner == null ? 0 : runner.appliedRecords(),
                runner == null ? 0 : runner.skippedRecords(), runner == null ? null : runner.lastError(),
                runner == null ? null : runner.lastErrorAt(), rebuild);
    }

    /** Whether the serving generation has once read every partition up to its end (readiness). */
    public boolean caughtUp() {
        FeedRunner runner = serving;
        return runner != null && runner.caughtUpOnce();
    }

    // ---------------------------------------------------------------- runners' callbacks

    @Override
    public void progressed(FeedRunner runner) {
        if (runner.serving()) {
            progress.applied(runner.partitions());
            runner.appliedBySource().forEach(progress::advance);
        }
    }

    @Override
    public Map<TopicPartition, Long> stopServing(FeedRunner runner) {
        FeedRunner old = serving;
        if (old == null || old == runner) {
            return Map.of();
        }
        old.stop();
        return old.committed();
    }

    @Override
    public void switchTo(FeedRunner runner) {
        FeedRunner old;
        synchronized (this) {
            old = serving;
            transactions.executeWithoutResult(tx -> {
                if (old != null) {
                    store.setStatus(old.generation(), Status.RETIRED);
                }
                store.setStatus(runner.generation(), Status.ACTIVE);
            });
            runner.serve();
            servingTables = runner.tables();
            serving = runner;
            building = null;
        }
        progressed(runner);
        LOG.info("views: generation {} serves now{}", runner.generation(),
                old == null ? "" : "; generation " + old.generation() + " retired");
        if (old != null && janitor != null) {
            int retired = old.generation();
            janitor.schedule(() -> drop(retired), settings.dropAfter().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void drop(int generation) {
        try {
            transactions.executeWithoutResult(tx -> {
                ViewSchema.drop(jdbc, new ViewTables(generation));
                store.forget(generation);
            });
            LOG.info("views: dropped retired generation {}", generation);
        } catch (RuntimeException e) {
            LOG.warn("views: could not drop retired generation {} (retried at the next start)", generation, e);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        store.createTables();
        List<Generation> generations = store.generations();
        for (Generation outdated : generations) {
            if (outdated.schemaVersion() < ViewSchema.VERSION && outdated.status() != Status.RETIRED) {
                // tables of an older layout: the queries of this version cannot read them, nor can it
                // apply to them; a new generation is built from the beginning of the topics
                LOG.info("views: generation {} has tables of schema {}, not {}: rebuilding from the topics",
                        outdated.generation(), outdated.schemaVersion(), ViewSchema.VERSION);
                store.setStatus(outdated.generation(), Status.RETIRED);
            }
        }
        generations = store.generations();
        for (Generation retired : generations) {
            if (retired.status() == Status.RETIRED) {
                drop(retired.generation());
            }
        }
        Generation active = generations.stream().filter(g -> g.status() == Status.ACTIVE).findFirst().orElse(null);
        if (active == null) {
            int generation = generations.stream().mapToInt(Generation::generation).max().orElse(0) + 1;
            transactions.executeWithoutResult(tx -> {
                ViewSchema.create(jdbc, new ViewTables(generation));
                store.insert(generation, Status.ACTIVE);
            });
            active = new Generation(generation, Status.ACTIVE, ViewSchema.VERSION);
        }
        janitor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("views-janitor").daemon(true).factory());
        FeedRunner runner = runner(active.generation(), true);
        serving = runner;
        servingTables = runner.tables();
        running = true;
        runner.start();
        generations.stream().filter(g -> g.status() == Status.BUILDING).findFirst().ifPresent(rebuild -> {
            FeedRunner resumed = runner(rebuild.generation(), false);
            building = resumed;
            resumed.start();
            LOG.info("views: resuming the rebuild of generation {}", rebuild.generation());
        });
    }

    @Override
    public void stop() {
        FeedRunner rebuilding;
        FeedRunner runner;
        synchronized (this) {
            running = false;
            rebuilding = building;
            runner = serving;
        }
        if (rebuilding != null) {
            rebuilding.stop();
        }
        if (runner != null) {
            runner.stop();
        }
        if (janitor != null) {
            janitor.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private FeedRunner runner(int generation, boolean serves) {
        return new FeedRunner(generation, serves, settings, clientConfig, jdbc, transactions, updater, applyLock, this);
    }

    /** The views' topics and their sources, for the status. */
    Map<String, String> sources() {
        Map<String, String> sources = new LinkedHashMap<>();
        settings.topics().forEach(topic -> sources.put(topic, ViewsProperties.sourceOf(topic)));
        return sources;
    }
}
