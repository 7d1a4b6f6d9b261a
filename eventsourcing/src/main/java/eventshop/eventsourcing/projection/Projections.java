package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.ReadModelProgress;
import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.leadership.Leadership;
import eventshop.eventsourcing.leadership.NotLeading;
import eventshop.eventsourcing.leadership.SoleInstance;
import eventshop.eventsourcing.projection.Generations.Row;
import eventshop.eventsourcing.projection.Generations.Status;
import eventshop.eventsourcing.projection.ProjectionStatus.GenerationStatus;
import eventshop.eventsourcing.projection.ProjectionStatus.RunnerState;
import eventshop.eventsourcing.projection.ProjectionStatus.State;
import eventshop.eventstore.EventStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.kafka.clients.CommonClientConfigs;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the service's {@link ReadModel}s and answers queries against them: the projection runtime, one
 * for read models of the service's own log ({@link Projection}) and of other services' Kafka topics
 * ({@link TopicProjection}).
 *
 * <ul>
 *   <li><b>Runners.</b> On {@link #start} every read model's active generation (created on first
 *       start) is followed by a {@link ProjectionRunner}: it reads the source from the generation's
 *       checkpoint (an in-process subscription to the log, or a Kafka consumer with every partition of
 *       the topics assigned by hand) and applies what arrives in batches, with the checkpoint in the
 *       same transaction.</li>
 *   <li><b>Blue/green rebuild.</b> {@link #rebuild} creates the next generation's tables and a second
 *       runner that fills them from the beginning of the source while the active generation keeps
 *       following it and serving queries. Once the new generation is within a batch of the active one,
 *       the active runner pauses between two batches until the new one has applied as far (on every
 *       partition, for topics), switches the active generation in the registry (one transaction) and
 *       ends; the old tables are dropped after {@link ProjectionProperties#dropAfter()}. Raising
 *       {@link ReadModel#version()} rebuilds at the next start.</li>
 *   <li><b>Queries.</b> {@link #read} waits for a consistency token (see {@link ReadYourWrites} and
 *       {@link #progress}), then runs the query against the active generation's {@link Tables}. What
 *       tokens wait for never goes backwards, across switches too. {@link #readAtBatchBoundary} reads
 *       while no batch is being applied, with the checkpoint the tables reflect.</li>
 *   <li><b>Operations.</b> {@link #status()}, gauges {@code projection.lag} and
 *       {@code projection.position} (tag {@code projection}), readiness through {@link #ready()}.</li>
 * </ul>
 *
 * <p>The read-model database keeps the registry tables ({@link Generations}), which the starter's migrations make
 * ({@link eventshop.eventsourcing.database.EventSourcingTables}). With H2, a crash
 * (kill -9) may lose the last commits of the write delay, but it loses checkpoint and data together,
 * so the read model re-applies exactly what was lost; add {@code ;WRITE_DELAY=0} to the URL only if
 * answered queries must survive a crash too.
 *
 * <p><b>Instances sharing the database.</b> Only the instance that leads the service's {@link Leadership}
 * role runs the runners (and rebuilds, switches and drops generations); the others stand by
 * ({@link State#STANDBY}): every {@value #FOLLOW_MILLIS} ms they read the registry, so their queries read the
 * active generation the leader keeps, their consistency tokens wait for its checkpoint in the database, and
 * they are ready once that checkpoint has caught up with the source as it was when they started. When the
 * leader goes, a standby takes over from the checkpoints in the database. A deposed leader that has not
 * noticed yet cannot apply a batch: checkpoints advance by compare-and-set behind the leadership's fence.
 * A sole instance (the embedded topology) always leads, and nothing polls.
 *
 * <p>Thread-safe.
 */
public final class Projections implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(Projections.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** How often a standby reads the registry. */
    static final long FOLLOW_MILLIS = 100;

    /** The role of a generation {@link #adopt}ed from another bookkeeping. */
    public enum Role { ACTIVE, BUILDING, RETIRED }

    /** One read model's generations and what queries wait for. */
    static final class Slot {
        final ReadModel model;
        final Source source;
        /** Runners hold the read lock while they apply a batch; {@link #readAtBatchBoundary} the write lock. */
        final ReentrantReadWriteLock batches = new ReentrantReadWriteLock();
        volatile Tables activeTables;
        /** The active generation's checkpoint while it has no runner (frozen, or not started). */
        volatile Checkpoint activeCheckpoint;
        volatile @Nullable ProjectionRunner<?> active;
        volatile @Nullable ProjectionRunner<?> building;
        volatile boolean caughtUp;
        /** On a standby: the events the source had when it began following (its readiness target), -1 unknown. */
        volatile long followTarget = -1;

        Slot(ReadModel model, Source source, Tables activeTables, Checkpoint activeCheckpoint) {
            this.model = model;
            this.source = source;
            this.activeTables = activeTables;
            this.activeCheckpoint = activeCheckpoint;
        }
    }

    private final String serviceName;
    private final EventStore store;
    private final List<ReadModel> readModels;
    private final ProjectionProperties settings;
    private final ReadYourWrites readYourWrites;
    private final @Nullable MeterRegistry meters;
    private final Map<String, Object> kafka;
    private final @Nullable Tracer tracer;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Generations generations;
    private final Set<String> gauged = new HashSet<>();
    private final Leadership leadership;
    /** One per read model, kept across leading and standing by: what tokens wait for never goes back. */
    private final Map<String, Source> sources = new LinkedHashMap<>();

    private volatile Map<String, Slot> slots = Map.of();
    private volatile boolean running;
    private volatile boolean leading;
    private @Nullable ScheduledExecutorService janitor;
    private @Nullable ScheduledExecutorService follower;
    private Leadership.@Nullable Registration registration;

    /** A runtime for read models of the log only (no Kafka client settings). */
    public Projections(String serviceName, EventStore store, DataSource dataSource, List<? extends ReadModel> readModels,
                       ProjectionProperties settings, ReadYourWrites readYourWrites, @Nullable MeterRegistry meters) {
        this(serviceName, store, dataSource, readModels, settings, readYourWrites, meters, Map.of());
    }

    /**
     * @param serviceName    the service whose log this is: the source of the tokens its projections accept
     * @param store          the service's event store
     * @param dataSource     the read-model database
     * @param readModels     the read models to run; names must be unique
     * @param settings       runner settings
     * @param readYourWrites how queries wait for consistency tokens
     * @param meters         where to register gauges, or null
     * @param kafka          settings of the Kafka consumers of topic projections (at least
     *                       {@code bootstrap.servers} if there is one)
     */
    public Projections(String serviceName, EventStore store, DataSource dataSource, List<? extends ReadModel> readModels,
                       ProjectionProperties settings, ReadYourWrites readYourWrites, @Nullable MeterRegistry meters,
                       Map<String, Object> kafka) {
        this(serviceName, store, dataSource, readModels, settings, readYourWrites, meters, kafka,
                new SoleInstance("projections"), (Tracer) null);
    }

    /**
     * As above, run only while this instance leads {@code leadership}'s role (a standby follows the leader's
     * checkpoints in the database), and with {@code tracer} a topic projection applies each traced record in a
     * {@code CONSUMER} span {@code project <name>}, a child of the span that published it ({@link TopicProjection});
     * null for none.
     */
    public Projections(String serviceName, EventStore store, DataSource dataSource, List<? extends ReadModel> readModels,
                       ProjectionProperties settings, ReadYourWrites readYourWrites, @Nullable MeterRegistry meters,
                       Map<String, Object> kafka, Leadership leadership, @Nullable Tracer tracer) {
        Set<String> names = new HashSet<>();
        for (ReadModel model : readModels) {
            if (!NAME.matcher(model.name()).matches()) {
                throw new IllegalArgumentException("projection name '" + model.name()
                        + "' must be a lowercase letter, then lowercase letters, digits or _, at most 40");
            }
            if (!names.add(model.name())) {
                throw new IllegalArgumentException("two projections are named '" + model.name() + "'");
            }
            Tables.of(model, 1); // validates the table names
            if (model instanceof TopicProjection topics) {
                validate(topics, kafka);
            }
        }
        this.serviceName = serviceName;
        this.store = store;
        this.readModels = List.copyOf(readModels);
        this.settings = settings;
        this.readYourWrites = readYourWrites;
        this.meters = meters;
        this.kafka = Map.copyOf(kafka);
        this.tracer = tracer;
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
        this.leadership = leadership;
        this.generations = new Generations(jdbc, transactions, leadership);
        for (ReadModel model : this.readModels) {
            sources.put(model.name(), switch (model) {
                case Projection projection -> new LogSource(serviceName, projection, store, jdbc, generations, settings);
                case TopicProjection topics -> new TopicSource(topics, jdbc, generations, settings, this.kafka, tracer);
            });
        }
    }

    private static void validate(TopicProjection projection, Map<String, Object> kafka) {
        if (projection.topics().isEmpty()) {
            throw new IllegalArgumentException("topic projection '" + projection.name() + "' names no topic");
        }
        for (String topic : projection.topics()) {
            try {
                TopicReader.sourceOf(topic);
            } catch (IllegalArgumentException notEvents) {
                throw new IllegalArgumentException("topic projection '" + projection.name() + "': " + notEvents.getMessage());
            }
        }
        if (!kafka.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("topic projection '" + projection.name() + "' needs Kafka client settings"
                    + " with " + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        }
    }

    // ---------------------------------------------------------------- queries

    /**
     * Runs {@code query} against the active generation of read model {@code name}, after waiting
     * (bounded) until it reflects the event of {@code consistencyToken}, if one is given.
     *
     * @param consistencyToken the request's {@code Consistency-Token} header, or null
     * @throws eventshop.eventsourcing.consistency.InvalidConsistencyToken if the token is malformed or
     *                                                                    of a source it does not follow (400)
     * @throws eventshop.eventsourcing.consistency.NotYetConsistent       if the wait ran out (503)
     * @throws IllegalArgumentException                                   if there is no such read model
     */
    public <T> T read(String name, @Nullable String consistencyToken, Function<Tables, T> query) {
        return read(name, ConsistencyToken.fromHeader(consistencyToken), query);
    }

    /**
     * Runs {@code query} against the active generation of read model {@code name}, after waiting
     * (bounded) until it reflects the event of {@code consistencyToken}, if one is given: what a
     * controller's {@code @Nullable ConsistencyToken} parameter is for.
     *
     * @throws eventshop.eventsourcing.consistency.InvalidConsistencyToken if the token is of a source it does
     *                                                                    not follow (400)
     * @throws eventshop.eventsourcing.consistency.NotYetConsistent       if the wait ran out (503)
     * @throws IllegalArgumentException                                   if there is no such read model
     */
    public <T> T read(String name, @Nullable ConsistencyToken consistencyToken, Function<Tables, T> query) {
        readYourWrites.await(progress(name), consistencyToken);
        return query.apply(tables(name));
    }

    /** Runs {@code query} against the active generation of read model {@code name} at once, waiting for nothing. */
    public <T> T read(String name, Function<Tables, T> query) {
        return query.apply(tables(name));
    }

    /**
     * Runs {@code query} against the active generation of read model {@code name} while none of its
     * batches is being applied, with the checkpoint its tables reflect: a view of the read model at a
     * batch boundary (to compare replicas). Batches wait meanwhile, so keep it short.
     */
    public <T> T readAtBatchBoundary(String name, BiFunction<Tables, Checkpoint, T> query) {
        return readLiveAtBatchBoundary(name, live -> query.apply(live.getFirst().tables(), live.getFirst().checkpoint()));
    }

    /**
     * A live generation of a read model: the active one, or the one a rebuild is filling.
     *
     * @param checkpoint what its tables reflect
     * @param role       {@link Role#ACTIVE} or {@link Role#BUILDING}
     */
    public record LiveGeneration(Tables tables, Checkpoint checkpoint, Role role) {
    }

    /**
     * Runs {@code query} against every live generation of read model {@code name} (the active one first, then the
     * one being rebuilt, if any) while none of their batches is being applied, each with the checkpoint its tables
     * reflect: one view of all of them at a batch boundary (to compare a rebuild with the active generation). Both
     * runners wait meanwhile, so keep it short.
     */
    public <T> T readLiveAtBatchBoundary(String name, Function<List<LiveGeneration>, T> query) {
        Slot slot = slot(name);
        Lock lock = slot.batches.writeLock();
        lock.lock();
        try {
            List<LiveGeneration> live = new ArrayList<>(2);
            synchronized (this) { // a switch-over changes the slot's generations together
                ProjectionRunner<?> active = slot.active;
                live.add(active != null ? new LiveGeneration(active.tables(), active.checkpoint(), Role.ACTIVE)
                        : new LiveGeneration(slot.activeTables, slot.activeCheckpoint, Role.ACTIVE));
                ProjectionRunner<?> building = slot.building;
                if (building != null) {
                    live.add(new LiveGeneration(building.tables(), building.checkpoint(), Role.BUILDING));
                }
            }
            return query.apply(List.copyOf(live));
        } finally {
            lock.unlock();
        }
    }

    /** The tables queries should read now: the active generation's. */
    public Tables tables(String name) {
        return slot(name).activeTables;
    }

    /**
     * How far read model {@code name} reflects its sources, for consistency tokens. A projection of the
     * log accepts tokens of this service, reached once it has applied the token's position. A topic
     * projection accepts tokens of the services whose {@code <service>.events} it reads: a token with a
     * stream is reached once the stream's partition has applied the token's position (exact: a stream's
     * events travel on one partition in log order) <em>and</em> the whole-log estimate has (see
     * {@link TopicProgress}); a token without stream waits for the estimate only.
     */
    public ReadModelProgress progress(String name) {
        Source source = sources.get(name);
        if (source == null) {
            throw new IllegalArgumentException("there is no projection named '" + name + "' (there are " + names() + ")");
        }
        return source.progress();
    }

    // ---------------------------------------------------------------- operations

    /** Every read model's status, in declaration order. */
    public List<ProjectionStatus> status() {
        return slots.values().stream().map(this::status).toList();
    }

    /** One read model's status. */
    public ProjectionStatus status(String name) {
        return status(slot(name));
    }

    /** The names of the read models this runtime runs. */
    public List<String> names() {
        return readModels.stream().map(ReadModel::name).toList();
    }

    /**
     * Whether every read model has caught up with its source as it was when its active generation
     * started (readiness). Once true for a read model it stays true; later lag shows as lag, failures
     * as state.
     */
    public boolean ready() {
        Map<String, Slot> current = slots;
        return running && current.size() == readModels.size() && current.values().stream().allMatch(this::ready);
    }

    /**
     * How many events a rebuild of read model {@code name} would replay now: the events of the log (its head
     * position + 1), or the records on its topics (the sum of their partitions' end offsets, asked of the broker
     * now).
     *
     * @throws IllegalArgumentException if there is no such read model
     */
    public long sourceEvents(String name) {
        return slot(name).source.events();
    }

    /**
     * How many events the source of read model {@code name} had at {@code at}: the log's events recorded before it
     * (by their metadata timestamps), or the records appended to its topics before it (by their timestamps). With
     * {@link #sourceEvents} it tells how many were appended since.
     *
     * @throws IllegalArgumentException if there is no such read model
     */
    public long sourceEventsAt(String name, Instant at) {
        return slot(name).source.eventsAt(at);
    }

    /**
     * Starts rebuilding read model {@code name} into a new generation; does nothing if a rebuild is
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
            if (!leading) {
                throw new NotLeading(leadership.role(), "rebuild projection '" + name + "'; ask the leader");
            }
            if (slot.building == null) {
                int generation = generations.of(name).stream().mapToInt(Row::generation).max().orElse(0) + 1;
                Tables tables = createGeneration(slot.model, generation, Status.BUILDING);
                startBuilding(slot, tables);
                LOG.info("projection '{}': rebuilding into generation {} {}", name, generation,
                        tables.physicalNames());
            }
        }
        return status(name);
    }

    /**
     * Registers a generation of read model {@code name} whose tables exist already, kept until now by
     * another bookkeeping (a migration): from then on the runtime treats it as one it made (an ACTIVE
     * one serves and goes on from {@code checkpoint}, a BUILDING one resumes, a RETIRED one is dropped
     * at start). Call before {@link #start}.
     *
     * @param codeVersion the {@link ReadModel#version()} its tables were made with
     * @return false if the registry knows that generation already (nothing changed)
     */
    public boolean adopt(String name, int generation, int codeVersion, Role role, Checkpoint checkpoint) {
        ReadModel model = readModels.stream().filter(candidate -> candidate.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("there is no projection named '" + name + "'"));
        boolean fits = switch (model) {
            case Projection log -> checkpoint instanceof Checkpoint.Log;
            case TopicProjection topics -> checkpoint instanceof Checkpoint.Topics;
        };
        if (!fits || generation < 1) {
            throw new IllegalArgumentException("projection '" + name + "' cannot adopt generation " + generation
                    + " at " + checkpoint);
        }
        synchronized (this) {
            if (running) {
                throw new IllegalStateException("adopt generations before the projections start");
            }
            return generations.insert(name, generation, codeVersion, Status.valueOf(role.name()), checkpoint);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Starts: when this instance leads the service's role (at once for a sole instance), creates any missing
     * generation, drops retired ones and starts the runners; while it stands by, follows the leader's registry.
     * The registry tables must exist ({@link eventshop.eventsourcing.database.EventSourcingTables#migrate}, which
     * the starter runs at start).
     */
    @Override
    public void start() {
        synchronized (this) {
            if (running) {
                return;
            }
            running = true;
            registerGauges();
        }
        // outside the monitor: the leadership calls back into lead/standBy, which take it
        Leadership.Registration registered = leadership.run("the projections " + names(), new Leadership.Work() {
            @Override
            public void lead() {
                Projections.this.lead();
            }

            @Override
            public void standBy() {
                Projections.this.standBy();
            }
        });
        synchronized (this) {
            registration = registered;
            if (running && !leading) {
                follow();
            }
        }
    }

    /** Stops every runner after the batch it is applying (or stops following the leader). */
    @Override
    public void stop() {
        Leadership.Registration registered;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            registered = registration;
            registration = null;
        }
        if (registered != null) {
            registered.close();
        }
        standBy();
    }

    /** This instance leads: opens every read model's generations and starts their runners. */
    private void lead() {
        synchronized (this) {
            if (!running || leading) {
                return;
            }
            stopFollowing();
            Map<String, Slot> opened = new LinkedHashMap<>();
            if (!readModels.isEmpty()) {
                for (ReadModel model : readModels) {
                    Slot slot = open(model);
                    Slot before = slots.get(model.name());
                    slot.caughtUp = before != null && before.caughtUp;
                    opened.put(model.name(), slot);
                }
            }
            janitor = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("projection-janitor").daemon(true).factory());
            slots = opened;
            leading = true;
            for (Slot slot : opened.values()) {
                Optional.ofNullable(slot.active).ifPresent(ProjectionRunner::start);
                Optional.ofNullable(slot.building).ifPresent(ProjectionRunner::start);
            }
        }
        LOG.info("projections started: {}", names());
    }

    /** This instance no longer leads (or stops): stops the runners, then follows the leader if still running. */
    private void standBy() {
        List<ProjectionRunner<?>> runners = new ArrayList<>();
        ScheduledExecutorService drops;
        boolean wasLeading;
        Map<String, Slot> led;
        synchronized (this) {
            wasLeading = leading;
            leading = false;
            led = slots;
            for (Slot slot : led.values()) {
                Optional.ofNullable(slot.active).ifPresent(runners::add);
                Optional.ofNullable(slot.building).ifPresent(runners::add);
            }
            drops = janitor;
            janitor = null;
            if (!running) {
                stopFollowing();
            }
        }
        runners.forEach(ProjectionRunner::requestStop);
        runners.forEach(runner -> runner.awaitStop(STOP_TIMEOUT));
        if (drops != null) {
            drops.shutdownNow(); // tables still waiting to be dropped are dropped at the next start
        }
        synchronized (this) {
            for (Slot slot : led.values()) { // the slots these runners ran in (not those of a later lead)
                ProjectionRunner<?> active = slot.active;
                if (active != null) {
                    slot.activeCheckpoint = active.checkpoint();
                }
                slot.active = null;
                slot.building = null;
            }
            if (running && !leading) {
                follow();
            }
        }
        if (wasLeading && running) {
            LOG.info("projections stand by: another instance runs {}; queries follow its checkpoints", names());
        }
    }

    /** On a standby: reads the registry now and every {@value #FOLLOW_MILLIS} ms. Call holding the monitor. */
    private void follow() {
        if (follower != null) {
            return;
        }
        follower = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("projection-follower").daemon(true).factory());
        follower.scheduleWithFixedDelay(this::followSafely, 0, FOLLOW_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Call holding the monitor. The follower lets go of what it held on its own thread, after its last round. */
    private void stopFollowing() {
        if (follower != null) {
            follower.execute(() -> sources.values().forEach(source -> {
                try {
                    source.stopFollowing();
                } catch (RuntimeException e) {
                    LOG.debug("projections: letting go of the follower's resources failed: {}", e.toString());
                }
            }));
            follower.shutdown();
            follower = null;
        }
    }

    private void followSafely() {
        try {
            followOnce();
        } catch (RuntimeException e) {
            LOG.debug("projections could not read the leader's registry: {}", e.toString());
        }
    }

    /** Takes the active generation and its checkpoint of every read model from the registry the leader keeps. */
    void followOnce() {
        for (ReadModel model : readModels) {
            Row active = generations.of(model.name()).stream().filter(row -> row.status() == Status.ACTIVE)
                    .findFirst().orElse(null);
            if (active == null) {
                continue; // the leader has not created it yet
            }
            Source source = sources.get(model.name());
            Checkpoint at = source.stored(active.generation(), active.appliedPosition());
            Slot slot;
            synchronized (this) {
                if (leading || !running) {
                    return;
                }
                slot = slots.get(model.name());
                if (slot == null) {
                    slot = new Slot(model, source, Tables.of(model, active.generation()), at);
                    Map<String, Slot> more = new LinkedHashMap<>(slots);
                    more.put(model.name(), slot);
                    slots = more;
                } else {
                    if (slot.activeTables.generation() != active.generation()) {
                        slot.activeTables = Tables.of(model, active.generation());
                    }
                    slot.activeCheckpoint = at;
                }
            }
            source.followedOnStandby(at);
            if (!slot.caughtUp) {
                if (slot.followTarget < 0) {
                    slot.followTarget = source.events();
                }
                slot.caughtUp = eventsIn(at) >= slot.followTarget;
            }
        }
    }

    /** How many events of its source a checkpoint has applied. */
    private static long eventsIn(Checkpoint checkpoint) {
        return switch (checkpoint) {
            case Checkpoint.Log log -> log.position() + 1;
            case Checkpoint.Topics topics -> topics.records();
        };
    }

    /** Whether this instance runs the runners (it leads the service's role), rather than following another's. */
    public boolean leading() {
        return leading;
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
    void progressed(ProjectionRunner<?> runner) {
        Slot slot = runner.slot();
        if (slot.active == runner) {
            slot.source.published(runner);
        } else if (slot.building == runner) {
            ProjectionRunner<?> active = slot.active;
            if (active == null) {
                if (runner.reader().caughtUp(runner.checkpoint())) {
                    switchTo(slot, runner); // the active generation is frozen: switch once caught up
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
    boolean handOver(ProjectionRunner<?> runner) {
        Slot slot = runner.slot();
        ProjectionRunner<?> candidate = slot.building;
        if (slot.active != runner || candidate == null || candidate.state() == RunnerState.FAILED) {
            return false;
        }
        Checkpoint target = runner.checkpoint();
        return closeTo(candidate, target)
                && candidate.awaitCheckpoint(target, settings.handoverWait(), runner.stopSignal())
                && switchTo(slot, candidate);
    }

    private boolean closeTo(ProjectionRunner<?> candidate, Checkpoint checkpoint) {
        return candidate.checkpoint().behind(checkpoint) <= settings.batchSize();
    }

    // ---------------------------------------------------------------- internals

    private boolean switchTo(Slot slot, ProjectionRunner<?> candidate) {
        String name = slot.model.name();
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
            slot.source.published(candidate);
            if (janitor != null) {
                janitor.schedule(() -> dropRetired(slot.model, retired), settings.dropAfter().toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
        LOG.info("projection '{}': generation {} is active from {}; generation {} retired, its tables are dropped in {}",
                name, candidate.tables().generation(), candidate.checkpoint(), retired.generation(),
                settings.dropAfter());
        return true;
    }

    private void dropRetired(ReadModel model, Tables retired) {
        try {
            generations.drop(model.name(), retired);
            LOG.info("projection '{}': dropped retired generation {} {}", model.name(), retired.generation(),
                    retired.physicalNames());
        } catch (RuntimeException e) {
            LOG.warn("projection '{}': could not drop retired generation {} (tried again at the next start)",
                    model.name(), retired.generation(), e);
        }
    }

    /** Reads a read model's generations, tidies them and prepares its runners (not started). */
    private Slot open(ReadModel model) {
        String name = model.name();
        List<Row> rows = generations.of(name);
        int next = rows.stream().mapToInt(Row::generation).max().orElse(0) + 1;
        for (Row row : rows) {
            if (row.status() == Status.RETIRED) {
                generations.drop(name, Tables.of(model, row.generation()));
            }
        }
        Row active = rows.stream().filter(row -> row.status() == Status.ACTIVE).findFirst().orElse(null);
        if (active == null) {
            createGeneration(model, next, Status.ACTIVE);
            active = new Row(name, next, model.version(), Status.ACTIVE, -1);
            next++;
        } else if (active.appliedPosition() < 0) {
            recreateTables(model, active.generation()); // created but maybe not completely
        }
        Row building = null;
        for (Row row : rows) { // oldest first: only the newest rebuild of the current version goes on
            if (row.status() == Status.BUILDING) {
                if (building != null) {
                    generations.drop(name, Tables.of(model, building.generation()));
                }
                building = row;
            }
        }
        if (building != null && building.codeVersion() != model.version()) {
            generations.drop(name, Tables.of(model, building.generation()));
            building = null;
        }
        boolean current = active.codeVersion() == model.version();
        Source source = sources.get(name);
        Slot slot = new Slot(model, source, Tables.of(model, active.generation()),
                source.stored(active.generation(), active.appliedPosition()));
        source.followed(slot.activeCheckpoint);
        boolean createdNow = false;
        if (current) {
            slot.active = runner(slot, slot.activeTables, slot.activeCheckpoint);
        } else if (building == null) {
            LOG.info("projection '{}': version {} replaces version {}; rebuilding into generation {} while generation {} "
                    + "serves queries", name, model.version(), active.codeVersion(), next, active.generation());
            createGeneration(model, next, Status.BUILDING);
            building = new Row(name, next, model.version(), Status.BUILDING, -1);
            createdNow = true;
        }
        if (building != null) {
            if (building.appliedPosition() < 0 && !createdNow) {
                recreateTables(model, building.generation()); // created by an earlier start, maybe not completely
            }
            slot.building = runner(slot, Tables.of(model, building.generation()),
                    source.stored(building.generation(), building.appliedPosition()));
        }
        return slot;
    }

    private Tables createGeneration(ReadModel model, int generation, Status status) {
        if (!generations.insert(model.name(), generation, model.version(), status)) {
            throw new IllegalStateException("projection '" + model.name() + "' generation " + generation
                    + " was just created by someone else; is another instance starting against this database?");
        }
        return recreateTables(model, generation);
    }

    private Tables recreateTables(ReadModel model, int generation) {
        Tables tables = Tables.of(model, generation);
        generations.dropTables(tables);
        model.create(tables, jdbc);
        return tables;
    }

    private void startBuilding(Slot slot, Tables tables) {
        ProjectionRunner<?> runner = runner(slot, tables, slot.source.stored(tables.generation(), -1));
        slot.building = runner;
        runner.start();
    }

    private ProjectionRunner<?> runner(Slot slot, Tables tables, Checkpoint checkpoint) {
        return runner(slot, tables, checkpoint, slot.source.reader(tables));
    }

    private <E> ProjectionRunner<E> runner(Slot slot, Tables tables, Checkpoint checkpoint, Reader<E> reader) {
        return new ProjectionRunner<>(this, slot, tables, checkpoint, reader, transactions, settings);
    }

    private Slot slot(String name) {
        Slot slot = slots.get(name);
        if (slot == null) {
            throw new IllegalArgumentException(!names().contains(name)
                    ? "there is no projection named '" + name + "' (there are " + names() + ")"
                    : running && !leading ? "projection '" + name + "' has not been created yet by the leading"
                            + " instance of the service"
                    : "projection '" + name + "' has not started yet");
        }
        return slot;
    }

    private boolean ready(Slot slot) {
        ProjectionRunner<?> active = slot.active;
        if (!slot.caughtUp && active != null && active.reachedTarget()) {
            slot.caughtUp = true;
        }
        return slot.caughtUp;
    }

    private ProjectionStatus status(Slot slot) {
        if (running && !leading) {
            Checkpoint at = slot.activeCheckpoint;
            Tables tables = slot.activeTables;
            long head = slot.source.head();
            long lag = head < 0 ? -1 : Math.max(0, head - at.applied());
            long target = slot.followTarget;
            long reached = Math.min(eventsIn(at), Math.max(0, target));
            double progress = target < 0 ? 0 : target == 0 ? 1 : Math.min(1.0, (double) reached / target);
            GenerationStatus following = new GenerationStatus(tables.generation(), List.copyOf(tables.physicalNames()),
                    RunnerState.STANDBY, at.applied(), lag, 0, null, null, null, 0, 0, slot.followTarget,
                    reached, progress, List.of());
            return new ProjectionStatus(slot.model.name(), State.STANDBY, ready(slot), head, lag,
                    slot.source.appliedBySource(), following, null);
        }
        ProjectionRunner<?> active = slot.active;
        ProjectionRunner<?> building = slot.building;
        GenerationStatus activeStatus = active != null ? active.status() : frozen(slot, building);
        GenerationStatus rebuild = building != null ? building.status() : null;
        State state = !running ? State.STOPPED
                : activeStatus.state() == RunnerState.FAILED ? State.FAILED
                : rebuild != null ? State.REBUILDING
                : State.RUNNING;
        ProjectionRunner<?> reading = active != null ? active : building;
        long head = reading != null ? reading.reader().head() : -1;
        return new ProjectionStatus(slot.model.name(), state, ready(slot), head, activeStatus.lag(),
                slot.source.appliedBySource(), activeStatus, rebuild);
    }

    /** The active generation while it has no runner: as far as the rebuild's reader tells. */
    private GenerationStatus frozen(Slot slot, @Nullable ProjectionRunner<?> building) {
        Checkpoint at = slot.activeCheckpoint;
        Tables tables = slot.activeTables;
        long lag = building != null ? building.reader().lag(at) : 0;
        List<ProjectionStatus.PartitionStatus> partitions = building != null ? building.reader().partitions(at)
                : List.of();
        return new GenerationStatus(tables.generation(), List.copyOf(tables.physicalNames()),
                running ? RunnerState.FROZEN : RunnerState.STOPPED, at.applied(), lag, 0, null, null, null, 0, 0, -1,
                0, 0, partitions);
    }

    private void registerGauges() {
        if (meters == null) {
            return;
        }
        for (ReadModel model : readModels) {
            String name = model.name();
            if (gauged.add(name)) {
                Gauge.builder("projection.lag", this, runtime -> runtime.lag(name)).tag("projection", name)
                        .description("how far the projection's active generation is behind its source")
                        .register(meters);
                Gauge.builder("projection.position", this, runtime -> runtime.position(name))
                        .tag("projection", name).description("the last log position the projection has applied,"
                                + " or the records it has read from its topics")
                        .register(meters);
            }
        }
    }

    private double lag(String name) {
        Slot slot = slots.get(name);
        return slot == null ? Double.NaN : status(slot).lag();
    }

    private double position(String name) {
        Slot slot = slots.get(name);
        if (slot == null) {
            return Double.NaN;
        }
        ProjectionRunner<?> active = slot.active;
        return active != null ? active.checkpoint().applied() : slot.activeCheckpoint.applied();
    }
}
