package eventshop.eventsourcing.decider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.example.Tab;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.WrongExpectedVersion;
import eventshop.eventstore.file.Durability;
import eventshop.eventstore.file.FileEventStore;
import eventshop.eventstore.file.FileEventStoreOptions;
import eventshop.eventstore.memory.InMemoryEventStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:15:30.123456789Z");

    private final EventStore store = new InMemoryEventStore();
    private final AtomicInteger idCounter = new AtomicInteger();
    private final JsonEventCodec<Tab.Event> codec = JsonEventCodec.of(Tab.Event.class);
    private final CommandHandler<Tab.Command, Tab.Event, Tab.State> tabs = CommandHandler
            .builder("bar", store, Tab.DECIDER, codec)
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .ids(() -> new UUID(0, idCounter.incrementAndGet()))
            .build();
    private final CommandContext context = new CommandContext(new UUID(7, 7), "checkout-1", "alice",
            Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

    @AfterEach
    void close() {
        store.close();
    }

    @Nested
    class Handling {

        @Test
        void handle_appendsTheDecidedEventsWithMetadata() {
            // when
            CommandResult<Tab.Event> opened = tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);
            CommandResult<Tab.Event> added = tabs.handle("tab-1", new Tab.AddItem("tea", 250), context);

            // then
            assertThat(opened.events()).containsExactly(new Tab.TabOpened("tab-1"));
            assertThat(opened.streamVersion()).isZero();
            assertThat(added.streamVersion()).isEqualTo(1);
            assertThat(added.token()).isEqualTo(new ConsistencyToken("bar", 1, "tab-1"));
            List<RecordedEvent> stored = store.read("tab-1", 0).collectList().block();
            assertThat(stored).extracting(RecordedEvent::type).containsExactly("TabOpened", "ItemAdded");
            RecordedEvent item = stored.get(1);
            assertThat(item.eventId()).isEqualTo(new UUID(0, 2));
            assertThat(new String(item.data(), StandardCharsets.UTF_8)).isEqualTo("{\"item\":\"tea\",\"priceCents\":250}");
            assertThat(item.metadata()).isEqualTo(new Metadata("checkout-1", new UUID(7, 7).toString(), "alice", NOW, 1,
                    context.headers()));
        }

        @Test
        void handle_foldsTheWholeStreamBeforeDeciding() {
            tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);
            tabs.handle("tab-1", new Tab.AddItem("tea", 250), context);
            tabs.handle("tab-1", new Tab.AddItem("cake", 400), context);

            CommandResult<Tab.Event> closed = tabs.handle("tab-1", new Tab.CloseTab(), context);

            assertThat(closed.events()).containsExactly(new Tab.TabClosed(650));
            assertThat(tabs.load("tab-1")).isEqualTo(new CommandHandler.Loaded<Tab.State>(new Tab.Closed(650), 3));
        }

        @Test
        void handle_decidingNothing_appendsNothingAndAnswersTheCurrentVersion() {
            tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);

            CommandResult<Tab.Event> repeat = tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);

            assertThat(repeat.events()).isEmpty();
            assertThat(repeat.streamVersion()).isZero();
            assertThat(store.headPosition()).isZero();
        }

        @Test
        void handle_decidingNothing_answersTheTokenOfTheStreamsLastEvent_notOfTheLogsHead() {
            // given a stream whose last event is followed in the log by other streams' events
            tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);
            CommandResult<Tab.Event> last = tabs.handle("tab-1", new Tab.AddItem("tea", 250), context);
            tabs.handle("tab-2", new Tab.OpenTab("tab-2"), context);
            tabs.handle("tab-3", new Tab.OpenTab("tab-3"), context);

            // when a command on it decides nothing
            CommandResult<Tab.Event> repeat = tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);

            // then its token names the stream's last event: a consumer of the stream's partition reaches it
            assertThat(repeat.events()).isEmpty();
            assertThat(repeat.token()).isEqualTo(new ConsistencyToken("bar", last.token().position(), "tab-1"));
            assertThat(store.headPosition()).isGreaterThan(last.token().position());
        }

        @Test
        void handle_decidingNothingOnAnEmptyLog_answersATokenEveryReadModelHasReached() {
            CommandHandler<Tab.Command, Tab.Event, Tab.State> idle = CommandHandler
                    .builder("bar", store, new Decider<Tab.Command, Tab.Event, Tab.State>(new Tab.Unopened(), Tab::evolve,
                                    (command, state) -> List.of()),
                            codec).build();

            CommandResult<Tab.Event> nothing = idle.handle("tab-1", new Tab.CloseTab(), context);

            assertThat(nothing.events()).isEmpty();
            assertThat(nothing.token()).isEqualTo(new ConsistencyToken("bar", -1, "tab-1"));
            assertThat(ConsistencyToken.parse(nothing.token().toString())).isEqualTo(nothing.token());
        }

        @Test
        void handle_refusedCommand_throwsTheDomainErrorAndStoresNothing() {
            assertThatThrownBy(() -> tabs.handle("tab-1", new Tab.AddItem("tea", 250), context))
                    .isInstanceOf(Tab.TabNotOpen.class);

            assertThat(store.headPosition()).isEqualTo(-1);
        }

        @Test
        void decide_makesTheCommandOfTheLoadedState_andAnswersTheStateAfterIt() {
            tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);
            tabs.handle("tab-1", new Tab.AddItem("tea", 250), context);
            List<Tab.State> seen = new ArrayList<>();

            CommandHandler.Decided<Tab.Event, Tab.State> decided = tabs.decide("tab-1", state -> {
                seen.add(state);
                return new Tab.AddItem("cake", ((Tab.Open) state).totalCents());
            }, context);

            assertThat(seen).containsExactly(new Tab.Open("tab-1", 250, 1));
            assertThat(decided.result().events()).containsExactly(new Tab.ItemAdded("cake", 250));
            assertThat(decided.result().streamVersion()).isEqualTo(2);
            assertThat(decided.state()).isEqualTo(new Tab.Open("tab-1", 500, 2))
                    .isEqualTo(tabs.load("tab-1").state());
        }

        @Test
        void decide_decidingNothing_answersTheStateItWasDecidedOn() {
            tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);

            CommandHandler.Decided<Tab.Event, Tab.State> decided = tabs.decide("tab-1",
                    state -> new Tab.OpenTab("tab-1"), context);

            assertThat(decided.result().events()).isEmpty();
            assertThat(decided.state()).isEqualTo(new Tab.Open("tab-1", 0, 0));
        }

        @Test
        void load_ofAnUnknownStream_isTheInitialStateAtVersionMinusOne() {
            assertThat(tabs.load("nobody")).isEqualTo(new CommandHandler.Loaded<Tab.State>(new Tab.Unopened(), -1));
        }
    }

    @Nested
    class Concurrency {

        @Test
        void handle_retriesWhenAnotherWriterWinsTheRace() {
            // given a decider that lets another writer append while it decides, once
            AtomicInteger interference = new AtomicInteger();
            Decider<Tab.Command, Tab.Event, Tab.State> racing = new Decider<>(new Tab.Unopened(), Tab::evolve,
                    (command, state) -> {
                        if (interference.getAndIncrement() == 0) {
                            store.append("tab-1", ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(),
                                    "ItemAdded", "{\"item\":\"gin\",\"priceCents\":900}".getBytes(StandardCharsets.UTF_8),
                                    Metadata.EMPTY)));
                        }
                        return Tab.decide(command, state);
                    });
            CommandHandler<Tab.Command, Tab.Event, Tab.State> handler = CommandHandler
                    .builder("bar", store, racing, codec).build();
            tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);

            // when
            CommandResult<Tab.Event> closed = handler.handle("tab-1", new Tab.CloseTab(), context);

            // then the second attempt saw the gin
            assertThat(interference.get()).isEqualTo(2);
            assertThat(closed.events()).containsExactly(new Tab.TabClosed(900));
        }

        @Test
        void decide_afterAConflict_makesTheCommandAgain_ofTheReloadedState() {
            // given a command made of the state that lets another writer append while it is made, once
            tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);
            AtomicInteger made = new AtomicInteger();

            // when
            CommandHandler.Decided<Tab.Event, Tab.State> decided = tabs.decide("tab-1", state -> {
                if (made.getAndIncrement() == 0) {
                    store.append("tab-1", ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(),
                            "ItemAdded", "{\"item\":\"gin\",\"priceCents\":900}".getBytes(StandardCharsets.UTF_8),
                            Metadata.EMPTY)));
                }
                return new Tab.AddItem("tonic", ((Tab.Open) state).totalCents() + 1);
            }, context);

            // then the second command was made of the state with the gin
            assertThat(made.get()).isEqualTo(2);
            assertThat(decided.result().events()).containsExactly(new Tab.ItemAdded("tonic", 901));
            assertThat(decided.state()).isEqualTo(new Tab.Open("tab-1", 1801, 2));
        }

        @Test
        void handle_givesUpAfterTheLastAttempt() {
            Decider<Tab.Command, Tab.Event, Tab.State> alwaysRacing = new Decider<>(new Tab.Unopened(), Tab::evolve,
                    (command, state) -> {
                        store.append("tab-1", ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(),
                                "ItemAdded", "{\"item\":\"gin\",\"priceCents\":900}".getBytes(StandardCharsets.UTF_8),
                                Metadata.EMPTY)));
                        return Tab.decide(command, state);
                    });
            tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);
            CommandHandler<Tab.Command, Tab.Event, Tab.State> handler = CommandHandler
                    .builder("bar", store, alwaysRacing, codec).maxAttempts(3).build();

            assertThatThrownBy(() -> handler.handle("tab-1", new Tab.AddItem("tea", 1), context))
                    .isInstanceOf(WrongExpectedVersion.class);
            assertThat(store.streamVersion("tab-1")).isEqualTo(3);
        }

        /**
         * The file engine shows an append only once it is durable, so a writer that lost the race reloads
         * the stream before the winner's event is visible and conflicts again: without a pause between
         * attempts the five attempts were spent within one fsync (1 in ~50 concurrent adds failed).
         */
        @RepeatedTest(5)
        void handle_twentyConcurrentCommandsOnOneStream_ofTheFileEngine_allSucceed(@TempDir Path directory)
                throws Exception {
            try (FileEventStore durable = FileEventStore.open(directory,
                    FileEventStoreOptions.defaults().withDurability(Durability.FSYNC))) {
                CommandHandler<Tab.Command, Tab.Event, Tab.State> handler = CommandHandler
                        .builder("bar", durable, Tab.DECIDER, codec).build();
                handler.handle("tab-1", new Tab.OpenTab("tab-1"), context);
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<CommandResult<Tab.Event>>> adds = new ArrayList<>();
                try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
                    for (int i = 0; i < 20; i++) {
                        adds.add(CompletableFuture.supplyAsync(() -> {
                            awaitQuietly(start);
                            return handler.handle("tab-1", new Tab.AddItem("tea", 1), context);
                        }, pool));
                    }
                    start.countDown();
                    CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new)).join();
                }

                assertThat(handler.load("tab-1")).isEqualTo(new CommandHandler.Loaded<Tab.State>(
                        new Tab.Open("tab-1", 20, 20), 20));
            }
        }

        @Test
        void handle_fromManyThreads_neverLosesAnItem() {
            tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);
            CommandHandler<Tab.Command, Tab.Event, Tab.State> patient = CommandHandler
                    .builder("bar", store, Tab.DECIDER, codec).maxAttempts(1000).build();
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                writers.add(CompletableFuture.runAsync(() -> {
                    for (int n = 0; n < 25; n++) {
                        patient.handle("tab-1", new Tab.AddItem("tea", 1), context);
                    }
                }));
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).join();

            assertThat(tabs.load("tab-1").state()).isEqualTo(new Tab.Open("tab-1", 200, 200));
        }
    }

    /** Recently used states in memory: a load folds only what the store has after them. */
    @Nested
    class RecentStates {

        private final CountingReads reads = new CountingReads(store);

        private CommandHandler<Tab.Command, Tab.Event, Tab.State> handler(int cache) {
            return CommandHandler.builder("bar", reads, Tab.DECIDER, codec).cache(cache).build();
        }

        @Test
        void aStreamThisHandlerWrote_isLoadedWithoutFoldingItsEventsAgain() {
            // given
            CommandHandler<Tab.Command, Tab.Event, Tab.State> tabs = handler(16);
            tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);
            tabs.handle("tab-1", new Tab.AddItem("tea", 250), context);
            reads.events.set(0);

            // when
            CommandResult<Tab.Event> added = tabs.handle("tab-1", new Tab.AddItem("cake", 400), context);

            // then it read the store after the version it held, and found nothing new there
            assertThat(reads.events.get()).isZero();
            assertThat(reads.from).containsEntry("tab-1", 2L);
            assertThat(added.streamVersion()).isEqualTo(2);
            assertThat(tabs.load("tab-1")).isEqualTo(handler(0).load("tab-1"));
        }

        @Test
        void eventsAnotherWriterAppended_areFoldedOn_andDecideTheNextCommand() {
            // given two handlers on one store, as two instances of a service, each holding the stream's state
            CommandHandler<Tab.Command, Tab.Event, Tab.State> first = handler(16);
            CommandHandler<Tab.Command, Tab.Event, Tab.State> second = handler(16);
            first.handle("tab-1", new Tab.OpenTab("tab-1"), context);
            second.handle("tab-1", new Tab.AddItem("tea", 250), context);
            first.handle("tab-1", new Tab.AddItem("cake", 400), context);

            // when the second decides on a state it held before the first's item
            second.handle("tab-1", new Tab.AddItem("pie", 300), context);
            first.handle("tab-1", new Tab.CloseTab(), context);

            // then both folded what the other wrote: the close saw all three items, and nothing conflicted
            assertThat(first.load("tab-1")).isEqualTo(handler(0).load("tab-1"));
            assertThat(second.load("tab-1")).isEqualTo(handler(0).load("tab-1"));
            assertThat(handler(0).load("tab-1").state()).isEqualTo(new Tab.Closed(950));
            assertThat(store.read("tab-1", 0).collectList().block()).hasSize(5);
        }

        @Test
        void theLeastRecentlyUsedStream_leavesAFullCache_andIsFoldedFromTheStoreAgain() {
            // given a cache of two streams and three streams written
            CommandHandler<Tab.Command, Tab.Event, Tab.State> tabs = handler(2);
            for (String tab : List.of("tab-1", "tab-2", "tab-3")) {
                tabs.handle(tab, new Tab.OpenTab(tab), context);
            }
            reads.from.clear();

            // when
            tabs.load("tab-3");
            tabs.load("tab-1");

            // then tab-3 was held (read after version 0); tab-1 was not (read from the start)
            assertThat(reads.from).containsEntry("tab-3", 1L).containsEntry("tab-1", 0L);
        }

        @Test
        void aCacheOfNone_foldsEveryStreamFromTheStoreEveryTime() {
            CommandHandler<Tab.Command, Tab.Event, Tab.State> tabs = handler(0);
            tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);
            reads.events.set(0);

            tabs.handle("tab-1", new Tab.AddItem("tea", 250), context);

            assertThat(reads.events.get()).isEqualTo(1);
            assertThatThrownBy(() -> CommandHandler.builder("bar", store, Tab.DECIDER, codec).cache(-1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** Counts what a handler reads of streams, and from which version it last read each. */
    private static class CountingReads implements EventStore {

        private final EventStore delegate;
        final AtomicInteger events = new AtomicInteger();
        final Map<String, Long> from = new java.util.concurrent.ConcurrentHashMap<>();

        CountingReads(EventStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<eventshop.eventstore.AppendResult> appendAsync(String streamId, ExpectedVersion expected,
                                                                               List<EventData> events) {
            return delegate.appendAsync(streamId, expected, events);
        }

        @Override
        public reactor.core.publisher.Flux<RecordedEvent> read(String streamId, long fromVersion) {
            from.put(streamId, fromVersion);
            return delegate.read(streamId, fromVersion).doOnNext(event -> events.incrementAndGet());
        }

        @Override
        public reactor.core.publisher.Flux<RecordedEvent> readAll(long fromPosition, int limit) {
            return delegate.readAll(fromPosition, limit);
        }

        @Override
        public reactor.core.publisher.Flux<RecordedEvent> subscribe(long fromPosition) {
            return delegate.subscribe(fromPosition);
        }

        @Override
        public long streamVersion(String streamId) {
            return delegate.streamVersion(streamId);
        }

        @Override
        public long headPosition() {
            return delegate.headPosition();
        }

        @Override
        public void saveSnapshot(eventshop.eventstore.Snapshot snapshot) {
            delegate.saveSnapshot(snapshot);
        }

        @Override
        public java.util.Optional<eventshop.eventstore.Snapshot> loadSnapshot(String streamId) {
            return delegate.loadSnapshot(streamId);
        }

        @Override
        public void close() {
        }
    }

    /**
     * Snapshots: each test's snapshot tells where a load started, for it reads back as a state the fold never gives
     * (an items count of -1); written on the command's thread unless a test says otherwise.
     */
    @Nested
    class Snapshots {

        private final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        private final CommandHandler<Tab.Command, Tab.Event, Tab.State> snapshotting = marked(store).build();

        /** A handler over {@code over} whose snapshots (every 3 events) read back with an items count of -1. */
        private CommandHandler.Builder<Tab.Command, Tab.Event, Tab.State> marked(EventStore over) {
            return CommandHandler.builder("bar", over, Tab.DECIDER, codec)
                    .snapshotting(new CommandHandler.Snapshotting<>(3, "tab/v1",
                            state -> ByteBuffer.allocate(8).putLong(((Tab.Open) state).totalCents()).array(),
                            bytes -> new Tab.Open("tab-1", ByteBuffer.wrap(bytes).getLong(), -1)))
                    .snapshotWrites(Runnable::run)
                    .meterRegistry(registry);
        }

        private void fourEvents(CommandHandler<Tab.Command, Tab.Event, Tab.State> handler) {
            handler.handle("tab-1", new Tab.OpenTab("tab-1"), context);
            handler.handle("tab-1", new Tab.AddItem("a", 100), context);
            handler.handle("tab-1", new Tab.AddItem("b", 200), context);
            handler.handle("tab-1", new Tab.AddItem("c", 300), context);
        }

        private double count(String name, String... tags) {
            io.micrometer.core.instrument.Counter counter = registry.find(name).tags(tags).counter();
            return counter == null ? 0 : counter.count();
        }

        @Test
        void snapshotIsTakenEveryNEventsAndLoadingStartsFromIt() {
            fourEvents(snapshotting);

            assertThat(store.loadSnapshot("tab-1")).hasValueSatisfying(s -> {
                assertThat(s.version()).isEqualTo(2);
                assertThat(s.type()).isEqualTo("tab/v1");
            });
            assertThat(count("eventstore.snapshots.written", "aggregate", "tab")).isEqualTo(1);
            // a handler that has not folded the stream yet, as after a restart (this one holds it in memory)
            CommandHandler<Tab.Command, Tab.Event, Tab.State> restarted = marked(store).build();
            assertThat(restarted.load("tab-1")).isEqualTo(new CommandHandler.Loaded<Tab.State>(
                    new Tab.Open("tab-1", 600, 0), 3));
            assertThat(count("eventstore.loads", "aggregate", "tab", "from", "snapshot")).isEqualTo(1);
            assertThat(count("eventstore.loads", "aggregate", "tab", "from", "start")).isEqualTo(1);
        }

        @Test
        void foldAt_startsFromTheSnapshot_onlyIfItWasTakenAtTheVersionOrBefore_neverFromTheCache() {
            // given a snapshot at version 2 and the latest state in the cache
            fourEvents(snapshotting);
            assertThat(store.loadSnapshot("tab-1")).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(2));

            // when / then: before the snapshot, the fold from the first event
            assertThat(snapshotting.foldAt("tab-1", 0)).isEqualTo(new CommandHandler.Loaded<Tab.State>(
                    new Tab.Open("tab-1", 0, 0), 0));
            assertThat(snapshotting.foldAt("tab-1", 1)).isEqualTo(new CommandHandler.Loaded<Tab.State>(
                    new Tab.Open("tab-1", 100, 1), 1));
            // at and after it, the snapshot (its -1 shows) and the events after it, up to the version asked
            assertThat(snapshotting.foldAt("tab-1", 2)).isEqualTo(new CommandHandler.Loaded<Tab.State>(
                    new Tab.Open("tab-1", 300, -1), 2));
            assertThat(snapshotting.foldAt("tab-1", 99)).isEqualTo(new CommandHandler.Loaded<Tab.State>(
                    new Tab.Open("tab-1", 600, 0), 3));
            assertThat(snapshotting.foldAt("tab-2", 0)).isEqualTo(new CommandHandler.Loaded<Tab.State>(
                    new Tab.Unopened(), -1));
            assertThatThrownBy(() -> snapshotting.foldAt("tab-1", -1)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void snapshotOfAnotherTypeIsIgnored() {
            snapshotting.handle("tab-1", new Tab.OpenTab("tab-1"), context);
            snapshotting.handle("tab-1", new Tab.AddItem("a", 100), context);
            snapshotting.handle("tab-1", new Tab.AddItem("b", 200), context);
            store.saveSnapshot(new eventshop.eventstore.Snapshot("tab-1", 2, "tab/v0", new byte[] {1}));

            assertThat(marked(store).build().foldAt("tab-1", 2).state()).isEqualTo(new Tab.Open("tab-1", 300, 2));
            assertThat(marked(store).build().load("tab-1").state()).isEqualTo(new Tab.Open("tab-1", 300, 2));
            assertThat(count("eventstore.snapshots.ignored", "aggregate", "tab", "reason", "other-type")).isEqualTo(2);
            assertThat(count("eventstore.loads", "aggregate", "tab", "from", "start")).isEqualTo(2);
            // the load folded a snapshot interval from the start: it replaced the old snapshot with one of its type
            assertThat(store.loadSnapshot("tab-1")).hasValueSatisfying(s -> assertThat(s.type()).isEqualTo("tab/v1"));
        }

        @Test
        void unreadableSnapshot_isIgnored_andTheStreamFoldedFromTheStart() {
            // given a snapshot of the right type whose bytes do not read
            fourEvents(snapshotting);
            store.saveSnapshot(new eventshop.eventstore.Snapshot("tab-1", 3, "tab/v1", new byte[] {1, 2}));

            // when
            CommandHandler.Loaded<Tab.State> loaded = marked(store).build().load("tab-1");

            // then
            assertThat(loaded).isEqualTo(new CommandHandler.Loaded<Tab.State>(new Tab.Open("tab-1", 600, 3), 3));
            assertThat(count("eventstore.snapshots.ignored", "aggregate", "tab", "reason", "unreadable")).isEqualTo(1);
        }

        @Test
        void snapshotThatDoesNotLoad_isIgnored() {
            // given a store whose snapshot reads fail (a corrupt file, say)
            fourEvents(snapshotting);
            EventStore failing = new CountingReads(store) {
                @Override
                public java.util.Optional<eventshop.eventstore.Snapshot> loadSnapshot(String streamId) {
                    throw new eventshop.eventstore.CorruptStoreException("snapshot file fails verification");
                }
            };

            // when / then
            assertThat(marked(failing).build().load("tab-1").state()).isEqualTo(new Tab.Open("tab-1", 600, 3));
            assertThat(count("eventstore.snapshots.ignored", "aggregate", "tab", "reason", "unreadable")).isEqualTo(1);
        }

        @Test
        void snapshotPastTheStreamsEnd_isIgnored() {
            // given a snapshot at version 5 of a stream that ends at 3 (events lost after it was written)
            fourEvents(snapshotting);
            EventStore ahead = new CountingReads(store) {
                @Override
                public java.util.Optional<eventshop.eventstore.Snapshot> loadSnapshot(String streamId) {
                    return java.util.Optional.of(new eventshop.eventstore.Snapshot(streamId, 5, "tab/v1",
                            ByteBuffer.allocate(24).putLong(1).putLong(2).putLong(9999).array()));
                }
            };
            CommandHandler<Tab.Command, Tab.Event, Tab.State> restarted = marked(ahead).build();

            // when / then: the fold from the start, and a command appends after the stream's real end
            assertThat(restarted.load("tab-1")).isEqualTo(new CommandHandler.Loaded<Tab.State>(
                    new Tab.Open("tab-1", 600, 3), 3));
            assertThat(restarted.foldAt("tab-1", 7).state()).isEqualTo(new Tab.Open("tab-1", 600, 3));
            assertThat(marked(ahead).build().handle("tab-1", new Tab.AddItem("d", 1), context).streamVersion())
                    .isEqualTo(4);
            assertThat(count("eventstore.snapshots.ignored", "aggregate", "tab", "reason", "not-in-stream"))
                    .isEqualTo(3);
        }

        @Test
        void snapshotTakenAtAnEventTheStreamNoLongerHolds_isIgnored() {
            // given a snapshot at version 2 taken at another event than the stream's event at version 2 (events
            // lost in a crash, then written again), whose state would show (-1 items)
            fourEvents(snapshotting);
            EventStore rewritten = new CountingReads(store) {
                @Override
                public java.util.Optional<eventshop.eventstore.Snapshot> loadSnapshot(String streamId) {
                    return java.util.Optional.of(new eventshop.eventstore.Snapshot(streamId, 2, "tab/v1",
                            ByteBuffer.allocate(24).putLong(7).putLong(7).putLong(9999).array()));
                }
            };

            // when / then
            assertThat(marked(rewritten).build().load("tab-1").state()).isEqualTo(new Tab.Open("tab-1", 600, 3));
            assertThat(marked(rewritten).build().foldAt("tab-1", 2).state()).isEqualTo(new Tab.Open("tab-1", 300, 2));
            assertThat(count("eventstore.snapshots.ignored", "aggregate", "tab", "reason", "not-in-stream"))
                    .isEqualTo(2);
            // while the snapshot the handler wrote, at the stream's own event, is used
            assertThat(store.loadSnapshot("tab-1").orElseThrow().data()).hasSize(16 + 8);
            assertThat(marked(store).build().load("tab-1").state()).isEqualTo(new Tab.Open("tab-1", 600, 0));
        }

        @Test
        void failedSnapshotWrite_isCounted_andTheCommandSucceeds() {
            // given a store that refuses every snapshot
            EventStore refusing = new CountingReads(store) {
                @Override
                public void saveSnapshot(eventshop.eventstore.Snapshot snapshot) {
                    throw new eventshop.eventstore.EventStoreException("No space left on device");
                }
            };
            CommandHandler<Tab.Command, Tab.Event, Tab.State> handler = marked(refusing).build();

            // when
            fourEvents(handler);

            // then
            assertThat(handler.load("tab-1").state()).isEqualTo(new Tab.Open("tab-1", 600, 3));
            assertThat(store.streamVersion("tab-1")).isEqualTo(3);
            assertThat(count("eventstore.snapshots.failed", "aggregate", "tab")).isEqualTo(1);
            assertThat(count("eventstore.snapshots.written", "aggregate", "tab")).isZero();
        }

        @Test
        void snapshotsAreWrittenAfterTheCommand_byDefault() {
            CommandHandler<Tab.Command, Tab.Event, Tab.State> background = CommandHandler
                    .builder("bar", store, Tab.DECIDER, codec)
                    .snapshotting(CommandHandler.Snapshotting.json("tab", 1, Tab.State.class, 3))
                    .build();

            fourEvents(background);

            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> store.loadSnapshot("tab-1").isPresent());
            assertThat(store.loadSnapshot("tab-1").orElseThrow().version()).isEqualTo(2);
        }

        @Test
        void aLongStreamWithoutSnapshot_getsOneWhenItIsLoaded() {
            // given a stream written before snapshots
            fourEvents(tabs);
            tabs.handle("tab-1", new Tab.AddItem("d", 400), context);

            // when
            snapshotting.load("tab-1");

            // then
            assertThat(store.loadSnapshot("tab-1")).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(4));
            assertThat(marked(store).build().load("tab-1").state()).isEqualTo(new Tab.Open("tab-1", 1000, -1));
        }

        @Test
        void manyWritersOnOneStream_withASnapshotAfterEveryEvent_loadWhatTheFoldGives() {
            // given two handlers (two instances of a service) writing one stream, snapshots written in the background
            tabs.handle("tab-1", new Tab.OpenTab("tab-1"), context);
            List<CommandHandler<Tab.Command, Tab.Event, Tab.State>> instances = List.of(1, 2).stream()
                    .map(i -> CommandHandler.builder("bar", store, Tab.DECIDER, codec).maxAttempts(1000)
                            .snapshotting(CommandHandler.Snapshotting.json("tab", 1, Tab.State.class, 1))
                            .cache(i == 1 ? 1024 : 0).build())
                    .toList();

            // when
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                CommandHandler<Tab.Command, Tab.Event, Tab.State> instance = instances.get(i % 2);
                writers.add(CompletableFuture.runAsync(() -> {
                    for (int n = 0; n < 20; n++) {
                        instance.handle("tab-1", new Tab.AddItem("tea", 1), context);
                    }
                }));
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).join();

            // then: every instance, and a new one from whatever snapshot is last, loads the fold of the stream
            CommandHandler.Loaded<Tab.State> folded = new CommandHandler.Loaded<>(new Tab.Open("tab-1", 120, 120), 120);
            assertThat(instances.get(0).load("tab-1")).isEqualTo(folded);
            assertThat(instances.get(1).load("tab-1")).isEqualTo(folded);
            assertThat(CommandHandler.builder("bar", store, Tab.DECIDER, codec)
                    .snapshotting(CommandHandler.Snapshotting.json("tab", 1, Tab.State.class, 1)).build()
                    .load("tab-1")).isEqualTo(folded);
        }

        @Test
        void snapshotRequestsOfOneStream_waitingForTheirWrite_areFoldedIntoTheLatest() {
            // given a writer whose writes run only when the test says
            List<Runnable> scheduled = new ArrayList<>();
            io.micrometer.core.instrument.Counter written = registry.counter("written");
            io.micrometer.core.instrument.Counter failed = registry.counter("failed");
            List<eventshop.eventstore.Snapshot> saved = new ArrayList<>();
            EventStore recording = new CountingReads(store) {
                @Override
                public void saveSnapshot(eventshop.eventstore.Snapshot snapshot) {
                    saved.add(snapshot);
                }
            };
            SnapshotWrites<Long> writes = new SnapshotWrites<>(recording, "n/v1",
                    n -> Long.toString(n).getBytes(StandardCharsets.UTF_8), scheduled::add, written, failed);
            UUID id = new UUID(3, 4);

            // when
            writes.request("s-1", 3, id, 3L);
            writes.request("s-1", 7, id, 7L);
            writes.request("s-1", 5, id, 5L);
            writes.request("s-2", 1, id, 1L);
            scheduled.forEach(Runnable::run);

            // then: one write per stream, of its newest state
            assertThat(scheduled).hasSize(2);
            assertThat(saved).extracting(eventshop.eventstore.Snapshot::streamId, eventshop.eventstore.Snapshot::version)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("s-1", 7L),
                            org.assertj.core.groups.Tuple.tuple("s-2", 1L));
            assertThat(written.count()).isEqualTo(2);
            // each snapshot's data: the id of the event at its version, then the state
            assertThat(saved.getFirst().data()).isEqualTo(ByteBuffer.allocate(17).putLong(3).putLong(4)
                    .put((byte) '7').array());

            // and a request after the write schedules a new one
            writes.request("s-1", 9, id, 9L);
            assertThat(scheduled).hasSize(3);
        }

        @Test
        void snapshotRequestsBeyondTheMostThatMayWait_areDropped_andCounted() {
            List<Runnable> scheduled = new ArrayList<>();
            io.micrometer.core.instrument.Counter failed = registry.counter("failed");
            SnapshotWrites<Long> writes = new SnapshotWrites<>(store, "n/v1", n -> new byte[0], scheduled::add,
                    registry.counter("written"), failed);

            for (int i = 0; i <= SnapshotWrites.MAX_PENDING; i++) {
                writes.request("s-" + i, 0, new UUID(0, i), 0L);
            }

            assertThat(scheduled).hasSize(SnapshotWrites.MAX_PENDING);
            assertThat(failed.count()).isEqualTo(1);
        }

        @Test
        void onTheFileEngine_aReopenedStoreLoadsFromTheSnapshot_andACorruptSnapshotFileIsFoldedAround(
                @TempDir Path directory) throws Exception {
            // given a stream of 7 events with a snapshot at version 5, written before the command returned
            CommandHandler.Loaded<Tab.State> folded = new CommandHandler.Loaded<>(new Tab.Open("tab-1", 2100, 6), 6);
            try (FileEventStore durable = FileEventStore.open(directory)) {
                CommandHandler<Tab.Command, Tab.Event, Tab.State> handler = CommandHandler
                        .builder("bar", durable, Tab.DECIDER, codec)
                        .snapshotting(CommandHandler.Snapshotting.json("tab", 1, Tab.State.class, 3))
                        .snapshotWrites(Runnable::run).build();
                handler.handle("tab-1", new Tab.OpenTab("tab-1"), context);
                for (int i = 1; i <= 6; i++) {
                    handler.handle("tab-1", new Tab.AddItem("item-" + i, 100L * i), context);
                }
            }

            // when the store is opened again (a restart): from the snapshot
            try (FileEventStore reopened = FileEventStore.open(directory)) {
                assertThat(reopened.loadSnapshot("tab-1")).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(5));
                assertThat(marked(reopened).snapshotting(CommandHandler.Snapshotting.json("tab", 1, Tab.State.class, 3))
                        .build().load("tab-1")).isEqualTo(folded);
                assertThat(count("eventstore.loads", "aggregate", "tab", "from", "snapshot")).isEqualTo(1);
            }

            // when its snapshot file is damaged: from the start, and a new snapshot replaces the damaged one
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(directory.resolve("snapshots"))) {
                Path file = files.filter(f -> f.toString().endsWith(".snapshot")).findFirst().orElseThrow();
                byte[] bytes = java.nio.file.Files.readAllBytes(file);
                bytes[bytes.length / 2] ^= 0x5a;
                java.nio.file.Files.write(file, bytes);
            }
            try (FileEventStore damaged = FileEventStore.open(directory)) {
                assertThat(marked(damaged).snapshotting(CommandHandler.Snapshotting.json("tab", 1, Tab.State.class, 3))
                        .build().load("tab-1")).isEqualTo(folded);
                assertThat(count("eventstore.snapshots.ignored", "aggregate", "tab", "reason", "unreadable"))
                        .isEqualTo(1);
                assertThat(damaged.loadSnapshot("tab-1")).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(6));
            }
        }

        @Test
        void jsonSnapshots_roundTripEveryPhase_andTheirTypeNamesTheVersionAndTheShape() {
            CommandHandler.Snapshotting<Tab.State> json = CommandHandler.Snapshotting.json("tab", 2, Tab.State.class, 5);

            for (Tab.State state : List.of(new Tab.Unopened(), new Tab.Open("tab-1", 250, 1), new Tab.Closed(7))) {
                assertThat(json.deserialize().apply(json.serialize().apply(state))).isEqualTo(state);
            }
            assertThat(json.type()).matches("tab/v2/[0-9a-f]{8}");
            assertThat(new String(json.serialize().apply(new Tab.Closed(7)), StandardCharsets.UTF_8))
                    .isEqualTo("{\"phase\":\"Closed\",\"state\":{\"totalCents\":7}}");
            assertThat(CommandHandler.Snapshotting.json("tab", 2, Tab.State.class, 5).type()).isEqualTo(json.type());
            assertThat(CommandHandler.Snapshotting.json("tab", 3, Tab.State.class, 5).type()).isNotEqualTo(json.type());
        }

        @Test
        void jsonSnapshots_refuseWhatTheyDidNotWrite() {
            CommandHandler.Snapshotting<Tab.State> json = CommandHandler.Snapshotting.json("tab", 1, Tab.State.class, 5);

            for (String stored : List.of("{\"phase\":\"Closed\",\"state\":{}}",
                    "{\"phase\":\"Closed\",\"state\":{\"totalCents\":7,\"tip\":1}}",
                    "{\"phase\":\"Closed\",\"state\":{\"totalCents\":null}}",
                    "{\"phase\":\"Reopened\",\"state\":{\"totalCents\":7}}",
                    "{\"totalCents\":7}", "[]", "", "{\"phase\":\"Closed\",\"state\":{\"totalCents\":7}} x")) {
                assertThatThrownBy(() -> json.deserialize().apply(stored.getBytes(StandardCharsets.UTF_8)))
                        .as(stored).isInstanceOf(RuntimeException.class);
            }
        }

        @Test
        void jsonSnapshots_changeTheirTypeWithTheStatesShape() {
            assertThat(CommandHandler.Snapshotting.json("s", 1, ShapeA.class, 5).type())
                    .isNotEqualTo(CommandHandler.Snapshotting.json("s", 1, ShapeB.class, 5).type());
        }

        @Test
        void jsonSnapshots_refuseStatesThatWouldNotRoundTrip() {
            assertThatThrownBy(() -> CommandHandler.Snapshotting.json("s", 1, HoldsAnObject.class, 5))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value");
            assertThatThrownBy(() -> CommandHandler.Snapshotting.json("s", 1, HoldsAnInterface.class, 5))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("phase");
            assertThatThrownBy(() -> CommandHandler.Snapshotting.json("s/1", 1, ShapeA.class, 5))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** Two versions of one state: a field renamed. */
    record ShapeA(String id, java.util.Map<String, List<Long>> lines) {
    }

    record ShapeB(String id, java.util.Map<String, List<Long>> items) {
    }

    record HoldsAnObject(String id, Object value) {
    }

    sealed interface HoldsAnInterface {
    }

    static final class NotARecord implements HoldsAnInterface {
    }

    @Nested
    class Codec {

        @Test
        void unknownStoredType_isATypedError() {
            store.append("tab-1", ExpectedVersion.noStream(), List.of(new EventData(UUID.randomUUID(), "TabRenamed",
                    "{}".getBytes(StandardCharsets.UTF_8), Metadata.EMPTY)));

            assertThatThrownBy(() -> tabs.load("tab-1"))
                    .isInstanceOf(UnknownEventType.class)
                    .hasMessageContaining("TabRenamed")
                    .hasMessageContaining("TabOpened");
        }

        @Test
        void malformedData_isATypedError() {
            store.append("tab-1", ExpectedVersion.noStream(), List.of(new EventData(UUID.randomUUID(), "TabOpened",
                    "{not json".getBytes(StandardCharsets.UTF_8), Metadata.EMPTY)));

            assertThatThrownBy(() -> tabs.load("tab-1")).isInstanceOf(UnknownEventType.class);
        }

        @Test
        void codecOfANonSealedType_isRefused() {
            assertThatThrownBy(() -> JsonEventCodec.of(Object.class)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void codecKnowsEveryPermittedRecord() {
            assertThat(codec.typeNames()).containsExactlyInAnyOrder("TabOpened", "ItemAdded", "TabClosed");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
