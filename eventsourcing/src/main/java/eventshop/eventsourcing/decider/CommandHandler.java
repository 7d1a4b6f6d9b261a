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

    private final String source;
    private final EventStore store;
    private final Decider<C, E, S> decider;
    private final EventCodec<E> codec;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final int maxAttempts;
    private final ConflictBackoff backoff;
    private final Snapshotting<S> snapshotting;
    private final RecentStates<S> recent;

    /**
     * Snapshot policy: every {@code every} events, store the state serialized by {@code codec}.
     *
     * @param <S> state type
     */
    public record Snapshotting<S>(int every, String type, java.util.function.Function<S, byte[]> serialize,
                                  java.util.function.Function<byte[], S> deserialize) {
        public Snapshotting {
            if (every < 1) {
                throw new IllegalArgumentException("snapshot interval must be >= 1");
            }
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
                AppendResult result = store.append(streamId, expected, toEventData(events, context));
                S after = decider.fold(loaded.state(), events);
                recent.offer(streamId, new Loaded<>(after, result.streamVersion()));
                maybeSnapshot(streamId, loaded, after, result);
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

    /** {@link #load} as a {@link Mono}: the events are folded as they stream from the store. */
    public Mono<Loaded<S>> loadAsync(String streamId) {
        return Mono.defer(() -> {
            Loaded<S> cached = recent.get(streamId);
            Loaded<S> start = cached != null ? cached : fromSnapshot(streamId);
            return store.read(streamId, start.version() + 1)
                    .reduce(start, (loaded, recorded) -> new Loaded<>(
                            decider.evolve().apply(loaded.state(), decode(recorded)), recorded.version()))
                    .doOnNext(loaded -> {
                        if (loaded.version() >= 0 && loaded != cached) {
                            recent.offer(streamId, loaded);
                        }
                    });
        });
    }

    /** The stream's snapshot of this handler's type, or the initial state before any event. */
    private Loaded<S> fromSnapshot(String streamId) {
        Optional<Snapshot> snapshot = snapshotting == null ? Optional.empty() : store.loadSnapshot(streamId);
        return snapshot
                .filter(s -> s.type().equals(snapshotting.type()))
                .map(s -> new Loaded<>(snapshotting.deserialize().apply(s.data()), s.version()))
                .orElseGet(() -> new Loaded<>(decider.initialState(), -1));
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
     * time, never this handler's cache nor a snapshot (both only ever hold a stream's latest state).
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
        return store.read(streamId, 0)
                .take(version + 1, true)
                .reduce(new Loaded<>(decider.initialState(), -1L), (loaded, recorded) -> new Loaded<>(
                        decider.evolve().apply(loaded.state(), decode(recorded)), recorded.version()))
                .block();
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

    private void maybeSnapshot(String streamId, Loaded<S> loaded, S state, AppendResult result) {
        if (snapshotting == null) {
            return;
        }
        long before = loaded.version() + 1;
        long after = result.streamVersion() + 1;
        if (after / snapshotting.every() > before / snapshotting.every()) {
            store.saveSnapshot(new Snapshot(streamId, result.streamVersion(), snapshotting.type(),
                    snapshotting.serialize().apply(state)));
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

        public Builder<C, E, S> snapshotting(Snapshotting<S> snapshotting) {
            this.snapshotting = snapshotting;
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
