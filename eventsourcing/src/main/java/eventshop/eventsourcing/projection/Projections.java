package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.consistency.AppliedPosition;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.ReadModelProgress;
import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.projection.Generations.Row;
import eventshop.eventsourcing.projection.Generations.Status;
import eventshop.eventsourcing.projection.ProjectionStatus.GenerationStatus;
import eventshop.eventsourcing.projection.ProjectionStatus.RunnerState;
import eventshop.eventsourcing.projection.ProjectionStatus.State;
import eventshop.eventstore.EventStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the service's {@link Projection}s and answers queries against them: the projection runtime.
 *
 * <ul>
 *   <li><b>Runners.</b> On {@link #start} every projection's active generation (created on first
 *       start) is followed by a {@link ProjectionRunner}: an in-process subscription to the log
 *       from its checkpoint, applied in batches with the checkpoint in the same transaction.</li>
 *   <li><b>Blue/green rebuild.</b> {@link #rebuild} creates the next generation's tables and a second
 *       runner that fills them from position 0 while the active generation keeps following the log
 *       and serving queries. Once the new generation is within a batch of the active one, the active
 *       runner pauses between two batches until the new one has applied as far, switches the active
 *       generation in the registry (one transaction) and ends; the old tables are dropped after
 *       {@link ProjectionProperties#dropAfter()}. Raising {@link Projection#version()} rebuilds at
 *       the next start.</li>
 *   <li><b>Queries.</b> {@link #read} waits for a consistency token (see {@link ReadYourWrites}),
 *       then runs the query against the active generation's {@link Tables}. The applied position
 *       that tokens wait for never goes backwards, across switches too.</li>
 *   <li><b>Operations.</b> {@link #status()}, gauges {@code projection.lag} and
 *       {@code projection.position} (tag {@code projection}), readiness through {@link #ready()}.</li>
 * </ul>
 *
 * <p>The read-model database keeps the registry table {@value Generations#TABLE}. With H2, a crash
 * (kill -9) may lose the last commits of the write delay, but it loses checkpoint and data together,
 * so the projection re-applies exactly what was lost; add {@code ;WRITE_DELAY=0} to the URL only if
 * answered queries must survive a crash too.
 *
 * <p>One process should run a projection's generations at a time; a second one (another instance
 * sharing the database) cannot apply a batch twice, because checkpoints advance by compare-and-set,
 * but it wastes work and does not see switches made by the first.
 *
 * <p>Thread-safe.
 */
public final class Projections implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(Projections.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** One projection's generations and what queries wait for. */
    static final class Slot {
        final Projection projection;
        /** The active generation's checkpoint as published to queries: never goes backwards. */
        final AppliedPosition applied;
        final long headAtStart;
        volatile Tables activeTables;
        volatile @Nullable ProjectionRunner active;
        volatile @Nullable ProjectionRunner building;
        volatile boolean caughtUp;

        Slot(Projection projection, Tables activeTables, long checkpoint, long headAtStart) {
            this.projection = projection;
            this.activeTables = activeTables;
            this.applied = new AppliedPosition(checkpoint);
            this.headAtStart = headAtStart;
        }
    }

    private final String serviceName;
    private final EventStore store;
    private final List<Projection> projections;
    private final ProjectionProperties settings;
    private final ReadYourWrites readYourWrites;
    private final @Nullable MeterRegistry meters;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Generations generations;
    private final Set<String> gauged = new HashSet<>();

    private volatile Map<String, Slot> slots = Map.of();
    private volatile boolean running;
    private @Nullable ScheduledExecutorService janitor;

    /**
     * @param serviceName    the service whose log this is: the source of the tokens queries accept
     * @param store          the service's event store
     * @param dataSource     the read-model database
     * @param projections    the projections to run; names must be unique
     * @param settings       runner settings
     * @param readYourWrites how queries wait for consistency tokens
     * @param meters         where to register gauges, or null
     */
    public Projections(String serviceName, EventStore store, DataSource dataSource, List<Projection> projections,
                       ProjectionProperties settings, ReadYourWrites readYourWrites, @Nullable MeterRegistry meters) {
        Set<String> names = new HashSet<>();
        for (Projection projection : projections) {
            if (!NAME.matcher(projection.name()).matches()) {
                throw new IllegalArgumentException("projection name '" + projection.name()
                        + "' must be a lowercase letter, then lowercase letters, digits or _, at most 40");
            }
            if (!names.add(projection.name())) {
                throw new IllegalArgumentException("two projections are named '" + projection.name() + "'");
            }
            Tables.of(projection, 1); // validates the table names
        }
        this.serviceName = serviceName;
        this.store = store;
        this.projections = List.copyOf(projections);
        this.settings = settings;
        this.readYourWrites = readYourWrites;
        this.meters = meters;
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
        this.generations = new Generations(jdbc, transactions);
    }

    // ---------------------------------------------------------------- queries

    /**
     * Runs {@code query} against the active generation of projection {@code name}, after waiting
     * (bounded) until it has applied the position of {@code consistencyToken}, if one is given.
     *
     * @param consistencyToken the request's {@code Consistency-Token} header, or null
     * @throws eventshop.eventsourcing.consistency.InvalidConsistencyToken if the token is malformed or
     *                                                                    from another service (400)
     * @throws eventshop.eventsourcing.consistency.NotYetConsistent       if the wait ran out (503)
     * @throws IllegalArgumentException                                   if there is no such projection
     */
    public <T> T read(String name, @Nullable String consistencyToken, Function<Tables, T> query) {
        readYourWrites.await(progress(name), consistencyToken);
        return query.apply(tables(name));
    }

    /** The tables queries should read now: the active generation's. */
    public Tables tables(String name) {
        return slot(name).activeTables;
    }

    /** How far projection {@code name} has applied this service's log, for consistency tokens. */
    public ReadModelProgress progress(String name) {
        Slot slot = slot(name);
        return new ReadModelProgress() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean follows(String source) {
                return serviceName.equals(source);
            }

            @Override
            public CompletableFuture<Void> whenReached(ConsistencyToken token) {
                // the projection applies the whole log in position order: the stream does not matter
                return slot.applied.whenReached(token.position());
            }

            @Override
            public String reached(ConsistencyToken token) {
                return "applied up to position " + slot.applied.get() + " of " + serviceName;
            }
        };
    }

    // ---------------------------------------------------------------- operations

    /** Every projection's status, in declaration order. */
    public List<ProjectionStatus> status() {
        return slots.values().stream().map(this::status).toList();
    }

    /** One projection's status. */
    public ProjectionStatus status(String name) {
        return status(slot(name));
    }

    /** The names of the projections this runtime runs. */
    public List<String> names() {
        return projections.stream().map(Projection::name).toList();
    }

    /**
     * Whether every projection has caught up with the log head seen at {@link #start} (readiness).
     * Once true for a projection it stays true; later lag shows as lag, failures as state.
     */
    public boolean ready() {
        return running && slots.values().stream().allMatch(this::ready);
    }

    /**
     * Starts rebuilding projection {@code name} into a new generation; does nothing if a rebuild is
     * already running.
     *
     * @return its status with the rebuild
     */
    public ProjectionStatus rebuild(String name) {
        synchronized (this) {
            if (!running) {
                throw new IllegalStateException("projections are not running");
            }
            Slot slot = slot(name);
            if (slot.building == null) {
                int generation = generations.of(name).stream().mapToInt(Row::generation).max().orElse(0) + 1;
                Tables tables = createGeneration(slot.projection, generation, Status.BUILDING);
                startBuilding(slot, tables, -1);
                LOG.info("projection '{}': rebuilding into generation {} {}", name, generation,
                        tables.physicalNames());
            }
        }
        return status(name);
    }

    // ---------------------------------------------------------------- lifecycle

    /** Creates the registry and any missing generation, drops retired ones, and starts the runners. */
    @Override
    public void start() {
        synchronized (this) {
            if (running) {
                return;
            }
            Map<String, Slot> opened = new LinkedHashMap<>();
            if (!projections.isEmpty()) {
                generations.createTable();
                for (Projection projection : projections) {
                    opened.put(projection.name(), open(projection));
                }
            }
            janitor = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("projection-janitor").daemon(true).factory());
            slots = opened;
            running = true;
            for (Slot slot : opened.values()) {
                Optional.ofNullable(slot.active).ifPresent(ProjectionRunner::start);
                Optional.ofNullable(slot.building).ifPresent(ProjectionRunner::start);
            }
            registerGauges();
        }
        LOG.info("projections started: {}", status());
    }

    /** Stops every runner after the batch it is applying. */
    @Override
    public void stop() {
        List<ProjectionRunner> runners = new ArrayList<>();
        ScheduledExecutorService drops;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            for (Slot slot : slots.values()) {
                Optional.ofNullable(slot.active).ifPresent(runners::add);
                Optional.ofNullable(slot.building).ifPresent(runners::add);
            }
            drops = janitor;
            janitor = null;
        }
        runners.forEach(ProjectionRunner::requestStop);
        runners.forEach(runner -> runner.awaitStop(STOP_TIMEOUT));
        if (drops != null) {
            drops.shutdownNow(); // tables still waiting to be dropped are dropped at the next start
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the web server starts taking requests, and stopped after it. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    // ---------------------------------------------------------------- runner callbacks

    /** Called by a runner after each batch, and when idle. */
    void progressed(ProjectionRunner runner) {
        Slot slot = runner.slot();
        if (slot.active == runner) {
            slot.applied.advance(runner.checkpoint());
        } else if (slot.building == runner) {
            ProjectionRunner active = slot.active;
            if (active == null) {
                if (runner.checkpoint() >= store.headPosition()) {
                    switchTo(slot, runner); // the active generation is frozen: switch once at the head
                }
            } else if (closeTo(runner, active.checkpoint())) {
                active.wake(); // let it hand over even if it is idle
            }
        }
    }

    /**
     * Called by a runner between batches: if it is the active one and a rebuild has come within a
     * batch of its checkpoint, waits (bounded) for the rebuild to reach the checkpoint, and switches.
     *
     * @return true if the runner has handed over and must end
     */
    boolean handOver(ProjectionRunner runner) {
        Slot slot = runner.slot();
        ProjectionRunner candidate = slot.building;
        if (slot.active != runner || candidate == null || candidate.state() == RunnerState.FAILED) {
            return false;
        }
        long target = runner.checkpoint();
        return closeTo(candidate, target)
                && candidate.awaitCheckpoint(target, settings.handoverWait(), runner.stopSignal())
                && switchTo(slot, candidate);
    }

    private boolean closeTo(ProjectionRunner candidate, long position) {
        return candidate.checkpoint() >= position - settings.batchSize();
    }

    // ---------------------------------------------------------------- internals

    private boolean switchTo(Slot slot, ProjectionRunner candidate) {
        String name = slot.projection.name();
        Tables retired;
        synchronized (this) {
            if (!running || slot.building != candidate) {
                return false;
            }
            retired = slot.activeTables;
            generations.activate(name, candidate.tables().generation(), retired.generation());
            slot.activeTables = candidate.tables();
            slot.active = candidate;
            slot.building = null;
            slot.applied.advance(candidate.checkpoint());
            if (janitor != null) {
                janitor.schedule(() -> dropRetired(name, retired), settings.dropAfter().toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
        LOG.info("projection '{}': generation {} is active from position {}; generation {} retired, its tables are "
                + "dropped in {}", name, candidate.tables().generation(), candidate.checkpoint(), retired.generation(),
                settings.dropAfter());
        return true;
    }

    private void dropRetired(String name, Tables retired) {
        try {
            generations.drop(name, retired);
            LOG.info("projection '{}': dropped retired generation {} {}", name, retired.generation(),
                    retired.physicalNames());
        } catch (RuntimeException e) {
            LOG.warn("projection '{}': could not drop retired generation {} (tried again at the next start)", name,
                    retired.generation(), e);
        }
    }

    /** Reads a projection's generations, tidies them and prepares its runners (not started). */
    private Slot open(Projection projection) {
        String name = projection.name();
        List<Row> rows = generations.of(name);
        int next = rows.stream().mapToInt(Row::generation).max().orElse(0) + 1;
        for (Row row : rows) {
            if (row.status() == Status.RETIRED) {
                generations.drop(name, Tables.of(projection, row.generation()));
            }
        }
        Row active = rows.stream().filter(row -> row.status() == Status.ACTIVE).findFirst().orElse(null);
        if (active == null) {
            createGeneration(projection, next, Status.ACTIVE);
            active = new Row(name, next, projection.version(), Status.ACTIVE, -1);
            next++;
        } else if (active.appliedPosition() < 0) {
            recreateTables(projection, active.generation()); // created but maybe not completely
        }
        Row building = null;
        for (Row row : rows) { // oldest first: only the newest rebuild of the current version goes on
            if (row.status() == Status.BUILDING) {
                if (building != null) {
                    generations.drop(name, Tables.of(projection, building.generation()));
                }
                building = row;
            }
        }
        if (building != null && building.codeVersion() != projection.version()) {
            generations.drop(name, Tables.of(projection, building.generation()));
            building = null;
        }
        boolean current = active.codeVersion() == projection.version();
        Slot slot = new Slot(projection, Tables.of(projection, active.generation()), active.appliedPosition(),
                store.headPosition());
        if (current) {
            slot.active = runner(slot, slot.activeTables, active.appliedPosition());
        } else if (building == null) {
            LOG.info("projection '{}': version {} replaces version {}; rebuilding into generation {} while generation {} "
                    + "serves queries", name, projection.version(), active.codeVersion(), next, active.generation());
            createGeneration(projection, next, Status.BUILDING);
            building = new Row(name, next, projection.version(), Status.BUILDING, -1);
        }
        if (building != null) {
            if (building.appliedPosition() < 0) {
                recreateTables(projection, building.generation());
            }
            slot.building = runner(slot, Tables.of(projection, building.generation()), building.appliedPosition());
        }
        return slot;
    }

    private Tables createGeneration(Projection projection, int generation, Status status) {
        if (!generations.insert(projection.name(), generation, projection.version(), status)) {
            throw new IllegalStateException("projection '" + projection.name() + "' generation " + generation
                    + " was just created by someone else; is another instance starting against this database?");
        }
        return recreateTables(projection, generation);
    }

    private Tables recreateTables(Projection projection, int generation) {
        Tables tables = Tables.of(projection, generation);
        generations.dropTables(tables);
        projection.create(tables, jdbc);
        return tables;
    }

    private void startBuilding(Slot slot, Tables tables, long checkpoint) {
        ProjectionRunner runner = runner(slot, tables, checkpoint);
        slot.building = runner;
        runner.start();
    }

    private ProjectionRunner runner(Slot slot, Tables tables, long checkpoint) {
        return new ProjectionRunner(this, slot, tables, checkpoint, store, jdbc, transactions, generations, settings);
    }

    private Slot slot(String name) {
        Slot slot = slots.get(name);
        if (slot == null) {
            throw new IllegalArgumentException(running || !names().contains(name)
                    ? "there is no projection named '" + name + "' (there are " + names() + ")"
                    : "projection '" + name + "' has not started yet");
        }
        return slot;
    }

    private boolean ready(Slot slot) {
        if (!slot.caughtUp && slot.active != null && slot.applied.get() >= slot.headAtStart) {
            slot.caughtUp = true;
        }
        return slot.caughtUp;
    }

    private ProjectionStatus status(Slot slot) {
        long head = store.headPosition();
        ProjectionRunner active = slot.active;
        ProjectionRunner building = slot.building;
        GenerationStatus activeStatus = active != null ? generationStatus(active, head)
                : new GenerationStatus(slot.activeTables.generation(), List.copyOf(slot.activeTables.physicalNames()),
                running ? RunnerState.FROZEN : RunnerState.STOPPED, slot.applied.get(), head - slot.applied.get(), 0,
                null, null);
        GenerationStatus rebuild = building != null ? generationStatus(building, head) : null;
        State state = !running ? State.STOPPED
                : activeStatus.state() == RunnerState.FAILED ? State.FAILED
                : rebuild != null ? State.REBUILDING
                : State.RUNNING;
        return new ProjectionStatus(slot.projection.name(), state, ready(slot), head, head - slot.applied.get(),
                activeStatus, rebuild);
    }

    private static GenerationStatus generationStatus(ProjectionRunner runner, long head) {
        return new GenerationStatus(runner.tables().generation(), List.copyOf(runner.tables().physicalNames()),
                runner.state(), runner.checkpoint(), head - runner.checkpoint(), runner.failures(), runner.lastError(),
                runner.failingPosition());
    }

    private void registerGauges() {
        if (meters == null) {
            return;
        }
        for (Projection projection : projections) {
            String name = projection.name();
            if (gauged.add(name)) {
                Gauge.builder("projection.lag", this, runtime -> runtime.lag(name)).tag("projection", name)
                        .description("log head position minus the position the projection has applied")
                        .register(meters);
                Gauge.builder("projection.position", this, runtime -> runtime.position(name))
                        .tag("projection", name).description("the last log position the projection has applied")
                        .register(meters);
            }
        }
    }

    private double lag(String name) {
        Slot slot = slots.get(name);
        return slot == null ? Double.NaN : store.headPosition() - slot.applied.get();
    }

    private double position(String name) {
        Slot slot = slots.get(name);
        return slot == null ? Double.NaN : slot.applied.get();
    }
}
