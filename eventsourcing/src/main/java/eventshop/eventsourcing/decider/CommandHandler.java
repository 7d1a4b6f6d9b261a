package eventshop.eventsourcing.decider;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.Snapshot;
import eventshop.eventstore.WrongExpectedVersion;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs a {@link Decider} against an event store: load the stream (from a snapshot when one
 * exists), fold it with {@code evolve} over a Reactor {@link Flux}, {@code decide}, append the new
 * events expecting the version that was loaded. When another writer got there first
 * ({@link WrongExpectedVersion}) it pauses ({@link ConflictBackoff}: growing, with jitter), loads
 * again and decides again, a bounded number of times ({@link Builder#maxAttempts}); the last
 * conflict is thrown.
 *
 * <p>The pause matters: an engine shows an append to readers only once it is durable (the file
 * engine after its fsync), while the expected-version check already sees it. A writer that lost the
 * race and reloaded at once would fold the stream without the winner's event and lose again; without
 * pauses every attempt was spent inside one fsync, and one in ~50 concurrent commands on one stream
 * failed. The jitter spreads the losers so that they do not collide again in step.
 *
 * <p>Recently used states stay in memory ({@link Builder#cache}, 1,024 streams by default): each as
 * the state folded up to a stream version, so loading a cached stream reads only the events after
 * that version (none, usually) instead of folding the whole stream again. The store stays the truth:
 * events appended by another writer (another instance, another handler) are read and folded on, and
 * a cached state is never more than a fold the store would give. States must therefore be immutable
 * values (records, as the conventions ask) and {@code evolve} a pure function.
 *
 * <p>Thread-safe; its only state of its own is that cache.
 *
 * @param <C> command type
 * @param <E> event type
 * @param <S> state type
 */
public final class CommandHandler<C, E, S> {

    /** Streams whose states are kept in memory unless the builder says otherwise. */
    public static final int DEFAULT_CACHE_SIZE = 1024;

    /** Attempts per command unless the builder says otherwise. */
    public static final int DEFAULT_MAX_ATTEMPTS = 30;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CommandHandler.class);

    /** Snapshot writes after the command, a virtual thread each. */
    private static final java.util.concurrent.Executor BACKGROUND =
            task -> Thread.ofVirtual().name("snapshot-write").start(task);

    private final String source;
    private final EventStore store;
    private final Decider<C, E, S> decider;
    private final EventCodec<E> codec;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final int maxAttempts;
    private final ConflictBackoff backoff;
    private final Snapshotting<S> snapshotting;
    private final SnapshotWrites<S> snapshotWrites;
    private final SnapshotMetrics metrics;
    private final RecentStates<S> recent;

    /**
     * Snapshot policy: every {@code every} events, store the state serialized by {@code serialize} as a snapshot
     * of type {@code type}; a load reads back only snapshots of that type, with {@code deserialize}. Most
     * aggregates want {@link #json}: a versioned JSON form whose type changes with the state's shape.
     *
     * @param every       how many events between two snapshots of a stream (at least 1)
     * @param type        what the snapshots hold (the state's name, version and shape): a snapshot of another type
     *                    is ignored and the stream folded from its first event
     * @param serialize   the state to bytes; may throw (the snapshot is then not written)
     * @param deserialize bytes of this type back to the state; may throw (the stream is then folded from the start)
     * @param <S>         state type
     */
    public record Snapshotting<S>(int every, String type, Function<S, byte[]> serialize,
                                  Function<byte[], S> deserialize) {
        public Snapshotting {
            if (every < 1) {
                throw new IllegalArgumentException("snapshot interval must be >= 1");
            }
            java.util.Objects.requireNonNull(type, "type");
            java.util.Objects.requireNonNull(serialize, "serialize");
            java.util.Objects.requireNonNull(deserialize, "deserialize");
        }

        /**
         * Snapshots as JSON ({@code JsonStates}: {@code {"phase":"Open","state":{...}}}) of type
         * {@code <name>/v<version>/<shape>}, where {@code shape} is a fingerprint of the state records' fields and
         * enums: a snapshot written by a state of another shape, or of another {@code version}, is ignored (the
         * stream is folded from its first event, and the next snapshot replaces it). Raise {@code version} when
         * the meaning of a state changes without its shape (an {@code evolve} that folds differently).
         *
         * @param name      the aggregate ({@code cart}); also the {@code aggregate} tag of the snapshot metrics
         * @param stateType a record, or a sealed interface of records, holding only records, enums, strings,
         *                  numbers, {@code java.time} values and lists, sets and maps of those
         * @throws IllegalArgumentException if the state holds something that would not round-trip
         */
        public static <S> Snapshotting<S> json(String name, int version, Class<S> stateType, int every) {
            if (name == null || name.isBlank() || name.contains("/")) {
                throw new IllegalArgumentException("a snapshot name is not blank and has no '/', was '" + name + "'");
            }
            JsonStates<S> states = new JsonStates<>(stateType);
            return new Snapshotting<>(every, name + "/v" + version + "/" + states.shape(), states::write,
                    states::read);
        }

        /** The aggregate's name: the type up to its first {@code /}. */
        String name() {
            int slash = type.indexOf('/');
            return slash < 0 ? type : type.substring(0, slash);
        }
    }

    /** The state of a stream and the version it was folded up to (-1 for a stream with no events). */
    public record Loaded<S>(S state, long version) {
    }

    private CommandHandler(Builder<C, E, S> builder) {
        this.source = builder.source;
        this.store = builder.store;
        this.decider = builder.decider;
        this.codec = builder.codec;
        this.clock = builder.clock;
        this.ids = builder.ids;
        this.maxAttempts = builder.maxAttempts;
        this.backoff = builder.backoff;
        this.snapshotting = builder.snapshotting;
        this.metrics = snapshotting == null ? null : new SnapshotMetrics(builder.registry, snapshotting.name());
        this.snapshotWrites = snapshotting == null ? null : new SnapshotWrites<>(store, snapshotting.type(),
                snapshotting.serialize(), builder.snapshotExecutor, metrics.written, metrics.failed);
        this.recent = new RecentStates<>(builder.cacheSize);
    }

    public static <C, E, S> Builder<C, E, S> builder(String source, EventStore store, Decider<C, E, S> decider,
                                                     EventCodec<E> codec) {
        return new Builder<>(source, store, decider, codec);
    }

    /**
     * Decides {@code command} against the current state of {@code streamId} and appends the result.
     *
     * @throws DomainError          when the decider refuses the command (nothing is stored)
     * @throws WrongExpectedVersion when other writers kept winning for every attempt
     */
    public CommandResult<E> handle(String streamId, C command, CommandContext context) {
        return decide(streamId, state -> command, context).result();
    }

    /**
     * What a command did to its stream: the result, and the stream's state after it (the state the command
     * was decided on with the new events folded on), so a caller that shows the state needs no second read.
     *
     * @param <E> event type
     * @param <S> state type
     */
    public record Decided<E, S>(CommandResult<E> result, S state) {
    }

    /**
     * Like {@link #handle}, for a command that depends on the state it is decided on: loads the stream
     * once per attempt, makes the command of that state with {@code command} (after a conflict, of the
     * reloaded state), decides, appends, and answers the state after it as well. {@code command} may do
     * I/O (a price lookup, say) but must not write to the stream.
     *
     * @throws DomainError          when the decider refuses the command (nothing is stored)
     * @throws WrongExpectedVersion when other writers kept winning for every attempt
     */
    public Decided<E, S> decide(String streamId, Function<? super S, ? extends C> command, CommandContext context) {
        for (int attempt = 1; ; attempt++) {
            Loaded<S> loaded = load(streamId);
            List<E> events = decider.decide().apply(command.apply(loaded.state()), loaded.state());
            if (events.isEmpty()) {
                return new Decided<>(new CommandResult<>(streamId, loaded.version(), List.of(),
                        new ConsistencyToken(source, lastPosition(streamId, loaded.version()), streamId)),
                        loaded.state());
            }
            ExpectedVersion expected = loaded.version() < 0
                    ? ExpectedVersion.noStream() : ExpectedVersion.exactly(loaded.version());
            try {
                List<EventData> data = toEventData(events, context);
                AppendResult result = store.append(streamId, expected, data);
                S after = decider.fold(loaded.state(), events);
                recent.offer(streamId, new Loaded<>(after, result.streamVersion()));
                maybeSnapshot(streamId, loaded, after, result, data.getLast().eventId());
                return new Decided<>(new CommandResult<>(streamId, result.streamVersion(), List.copyOf(events),
                        new ConsistencyToken(source, result.position(), streamId)), after);
            } catch (WrongExpectedVersion conflict) {
                if (attempt >= maxAttempts) {
                    throw conflict;
                }
                pause(backoff.delay(attempt, ThreadLocalRandom.current()), conflict);
            }
        }
    }

    private static void pause(Duration delay, WrongExpectedVersion conflict) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw conflict;
        }
    }

    /** The current state of a stream: its snapshot (if any) plus the events after it, folded. */
    public Loaded<S> load(String streamId) {
        return loadAsync(streamId).block();
    }

    /**
     * {@link #load} as a {@link Mono}: the events are folded as they stream from the store, from the state this
     * handler holds of the stream, else from the stream's snapshot, else from the first event. A load that folds
     * a snapshot interval of events or more from the store (a stream with an old snapshot, or none: data written
     * before snapshots, or by another state) asks for a snapshot of what it folded.
     */
    public Mono<Loaded<S>> loadAsync(String streamId) {
        return Mono.defer(() -> {
            Loaded<S> cached = recent.get(streamId);
            Mono<Folded<S>> folded;
            long base;
            if (cached != null) {
                base = cached.version();
                folded = foldOn(streamId, new Folded<>(cached, null));
            } else {
                Folded<S> snapshot = snapshot(streamId);
                base = snapshot == null ? -1 : snapshot.loaded().version();
                folded = snapshot == null ? fromStart(streamId)
                        : fromSnapshot(streamId, snapshot, Long.MAX_VALUE, true);
            }
            return folded.map(done -> {
                Loaded<S> loaded = done.loaded();
                if (loaded.version() >= 0 && loaded != cached) {
                    recent.offer(streamId, loaded);
                }
                if (snapshotting != null && loaded.version() - base >= snapshotting.every() && done.eventId() != null) {
                    snapshotWrites.request(streamId, loaded.version(), done.eventId(), loaded.state());
                }
                return loaded;
            });
        });
    }

    /** A fold and the id of the event at its version (null if unknown: a cached state with nothing after it). */
    private record Folded<S>(Loaded<S> loaded, UUID eventId) {
    }

    /** The stream's events after {@code start}'s version folded onto its state. */
    private Mono<Folded<S>> foldOn(String streamId, Folded<S> start) {
        return store.read(streamId, start.loaded().version() + 1).reduce(start, this::evolve);
    }

    private Mono<Folded<S>> fromStart(String streamId) {
        if (metrics != null) {
            metrics.fromStart.increment();
        }
        return foldOn(streamId, new Folded<>(new Loaded<>(decider.initialState(), -1), null));
    }

    /**
     * The stream's events after {@code snapshot}, up to {@code upTo}, folded onto it (a load from the snapshot in
     * the metrics if {@code counted}: not for the console's time travel); but the whole stream from its first
     * event if the stream's event at the snapshot's version is not the one the snapshot was taken at: none (a
     * snapshot ahead of its stream, after the events behind it were lost with the file engine's {@code interval}
     * or {@code none} durability, say), or another (the stream written again since). Reading from that event costs
     * no extra read.
     */
    private Mono<Folded<S>> fromSnapshot(String streamId, Folded<S> snapshot, long upTo, boolean counted) {
        long version = snapshot.loaded().version();
        java.util.concurrent.atomic.AtomicBoolean found = new java.util.concurrent.atomic.AtomicBoolean();
        return store.read(streamId, version)
                .takeWhile(recorded -> recorded.version() <= upTo)
                .reduce(snapshot, (folded, recorded) -> {
                    if (recorded.version() == version) {
                        found.set(recorded.eventId().equals(snapshot.eventId()));
                        return folded;
                    }
                    return found.get() ? evolve(folded, recorded) : folded;
                })
                .flatMap(folded -> {
                    if (found.get()) {
                        if (counted) {
                            metrics.fromSnapshot.increment();
                        }
                        return Mono.just(folded);
                    }
                    metrics.ignored("not-in-stream").increment();
                    LOG.warn("the snapshot of {} was taken at an event at version {} that the stream does not hold:"
                            + " folding it from the start", streamId, version);
                    if (counted) {
                        metrics.fromStart.increment();
                    }
                    return foldUpTo(streamId, upTo);
                });
    }

    private Folded<S> evolve(Folded<S> folded, RecordedEvent recorded) {
        return new Folded<>(evolve(folded.loaded(), recorded), recorded.eventId());
    }

    private Loaded<S> evolve(Loaded<S> loaded, RecordedEvent recorded) {
        return new Loaded<>(decider.evolve().apply(loaded.state(), decode(recorded)), recorded.version());
    }

    /**
     * The stream's snapshot as this handler's state, or null when there is none it can use: no snapshotting, no
     * snapshot, one of another type (an older state), or one that does not read (corrupt, not this state's).
     * Never throws: whatever is wrong with a snapshot, the stream is folded from the start.
     */
    private Folded<S> snapshot(String streamId) {
        if (snapshotting == null) {
            return null;
        }
        Snapshot snapshot;
        try {
            snapshot = store.loadSnapshot(streamId).orElse(null);
            if (snapshot == null) {
                return null;
            }
        } catch (RuntimeException e) {
            metrics.ignored("unreadable").increment();
            LOG.warn("the snapshot of {} does not read, folding the stream from the start: {}", streamId, e.toString());
            return null;
        }
        if (!snapshot.type().equals(snapshotting.type())) {
            metrics.ignored("other-type").increment();
            LOG.debug("the snapshot of {} is a {}, not a {}: folding the stream from the start", streamId,
                    snapshot.type(), snapshotting.type());
            return null;
        }
        try {
            java.nio.ByteBuffer data = java.nio.ByteBuffer.wrap(snapshot.data());
            UUID eventId = new UUID(data.getLong(), data.getLong());
            byte[] state = java.util.Arrays.copyOfRange(snapshot.data(), SnapshotWrites.EVENT_ID_BYTES,
                    snapshot.data().length);
            return new Folded<>(new Loaded<>(java.util.Objects.requireNonNull(
                    snapshotting.deserialize().apply(state), "deserialized state"), snapshot.version()), eventId);
        } catch (RuntimeException e) {
            metrics.ignored("unreadable").increment();
            LOG.warn("the snapshot of {} at version {} does not read as a {}, folding the stream from the start: {}",
                    streamId, snapshot.version(), snapshotting.type(), e.toString());
            return null;
        }
    }

    /**
     * The log position of the stream's event at {@code version} (its last one), -1 if it has none: what
     * a command that decided nothing answers as its token, since the state it saw is that of its
     * stream's events up to there.
     */
    private long lastPosition(String streamId, long version) {
        if (version < 0) {
            return -1;
        }
        RecordedEvent last = store.read(streamId, version).blockFirst();
        return last == null ? -1 : last.position();
    }

    /**
     * The state of a stream as it was at {@code version}: its events 0..version folded from the initial state
     * with this handler's decider and codec. Time travel for the operations console: it reads the store every
     * time, never this handler's cache (which holds a stream's latest state); it starts from the stream's snapshot
     * only if that was taken at {@code version} or before (never from one taken after it), which gives the same
     * state as the fold from the first event.
     *
     * @return the state and the version it is folded up to: {@code version}, or the stream's last version if it
     *         is shorter; -1 with the initial state for a stream with no events
     * @throws IllegalArgumentException for a negative version
     * @throws UnknownEventType         if an event of the stream is not one of this aggregate's
     */
    public Loaded<S> foldAt(String streamId, long version) {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
        Folded<S> snapshot = snapshot(streamId);
        if (snapshot != null && snapshot.loaded().version() <= version) {
            return fromSnapshot(streamId, snapshot, version, false).block().loaded();
        }
        return foldUpTo(streamId, version).block().loaded();
    }

    /** The stream's events 0..{@code upTo} folded from the initial state. */
    private Mono<Folded<S>> foldUpTo(String streamId, long upTo) {
        return store.read(streamId, 0)
                .takeWhile(recorded -> recorded.version() <= upTo)
                .reduce(new Folded<>(new Loaded<>(decider.initialState(), -1L), null), this::evolve);
    }

    /** The events of a stream, decoded, in version order. */
    public Flux<E> events(String streamId) {
        return store.read(streamId, 0).map(this::decode);
    }

    /** Decodes one stored event of this aggregate. */
    public E decode(RecordedEvent recorded) {
        return codec.decode(recorded);
    }

    private List<EventData> toEventData(List<E> events, CommandContext context) {
        Metadata metadata = new Metadata(context.correlationId(), context.commandId().toString(),
                context.actingUser(), clock.instant(), 1, context.headers());
        List<EventData> data = new ArrayList<>(events.size());
        for (E event : events) {
            int schemaVersion = codec.schemaVersionOf(event);
            data.add(new EventData(ids.get(), codec.typeOf(event), codec.serialize(event),
                    schemaVersion == 1 ? metadata : metadata.withSchemaVersion(schemaVersion)));
        }
        return data;
    }

    /** Asks for a snapshot when the events just appended reach a multiple of the snapshot interval. */
    private void maybeSnapshot(String streamId, Loaded<S> loaded, S state, AppendResult result, UUID lastEventId) {
        if (snapshotting == null) {
            return;
        }
        long before = loaded.version() + 1;
        long after = result.streamVersion() + 1;
        if (after / snapshotting.every() > before / snapshotting.every()) {
            snapshotWrites.request(streamId, result.streamVersion(), lastEventId, state);
        }
    }

    /** Builder; {@code source} is the service name used in consistency tokens. */
    public static final class Builder<C, E, S> {
        private final String source;
        private final EventStore store;
        private final Decider<C, E, S> decider;
        private final EventCodec<E> codec;
        private Clock clock = Clock.systemUTC();
        private Supplier<UUID> ids = UUID::randomUUID;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private ConflictBackoff backoff = ConflictBackoff.DEFAULT;
        private Snapshotting<S> snapshotting;
        private java.util.concurrent.Executor snapshotExecutor = BACKGROUND;
        private io.micrometer.core.instrument.MeterRegistry registry;
        private int cacheSize = DEFAULT_CACHE_SIZE;

        private Builder(String source, EventStore store, Decider<C, E, S> decider, EventCodec<E> codec) {
            this.source = source;
            this.store = store;
            this.decider = decider;
            this.codec = codec;
        }

        public Builder<C, E, S> clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder<C, E, S> ids(Supplier<UUID> ids) {
            this.ids = ids;
            return this;
        }

        /**
         * How many times to load-decide-append before giving up on conflicts (default
         * {@value #DEFAULT_MAX_ATTEMPTS}: 20 commands at once on one stream of the file engine all
         * succeed, see {@code CommandHandlerTest}).
         */
        public Builder<C, E, S> maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The pause between a conflict and the next attempt (default {@link ConflictBackoff#DEFAULT}). */
        public Builder<C, E, S> conflictBackoff(ConflictBackoff backoff) {
            this.backoff = java.util.Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * How many streams' latest states to keep in memory (least recently used out first; default
         * {@value #DEFAULT_CACHE_SIZE}); 0 folds every stream from the store (or its snapshot) on every load.
         */
        public Builder<C, E, S> cache(int streams) {
            if (streams < 0) {
                throw new IllegalArgumentException("the cache size must be >= 0");
            }
            this.cacheSize = streams;
            return this;
        }

        /**
         * Snapshots of the streams' states ({@link Snapshotting#json} for most aggregates); none by default, or with
         * {@code null}: every load then folds from the stream's first event (or the cached state).
         */
        public Builder<C, E, S> snapshotting(Snapshotting<S> snapshotting) {
            this.snapshotting = snapshotting;
            return this;
        }

        /**
         * Where snapshots are serialized and written: by default a virtual thread per write, after the command
         * has returned, so a command never waits for a snapshot's write (two fsyncs on the file engine);
         * {@code Runnable::run} writes them on the command's thread before it returns.
         */
        public Builder<C, E, S> snapshotWrites(java.util.concurrent.Executor executor) {
            this.snapshotExecutor = java.util.Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Where the snapshot metrics go (by default nowhere anyone reads): {@code eventstore.snapshots.written},
         * {@code eventstore.snapshots.failed}, {@code eventstore.snapshots.ignored{reason}} and
         * {@code eventstore.loads{from=snapshot|start}} (loads from the store, the cache's hits not counted), each
         * tagged with the aggregate's name.
         */
        public Builder<C, E, S> meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        public CommandHandler<C, E, S> build() {
            return new CommandHandler<>(this);
        }
    }

    /**
     * The latest states of the most recently used streams, each with the version it is folded up to;
     * an offer replaces an entry only with a later version. Least recently used out first.
     */
    private static final class RecentStates<S> {

        private final int capacity;
        private final java.util.LinkedHashMap<String, Loaded<S>> states;

        RecentStates(int capacity) {
            this.capacity = capacity;
            this.states = new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, Loaded<S>> eldest) {
                    return size() > RecentStates.this.capacity;
                }
            };
        }

        synchronized Loaded<S> get(String streamId) {
            return capacity == 0 ? null : states.get(streamId);
        }

        synchronized void offer(String streamId, Loaded<S> loaded) {
            if (capacity > 0) {
                states.merge(streamId, loaded, (held, offered) -> offered.version() >= held.version() ? offered : held);
            }
        }
    }
}
