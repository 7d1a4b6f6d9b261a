package eventshop.benchmarks;

import eventshop.carts.cart.Carts;
import eventshop.carts.cart.domain.Cart;
import eventshop.carts.cart.domain.PaymentCard;
import eventshop.carts.cart.domain.PriceList;
import eventshop.carts.cart.domain.Product;
import eventshop.contracts.Address;
import eventshop.contracts.carts.CartEvent;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.file.Durability;
import eventshop.eventstore.file.FileEventStore;
import eventshop.eventstore.file.FileEventStoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Command latency on a long cart stream with and without snapshots ({@code benchmarks/run snapshots}): the carts'
 * real decider, codec and snapshot form ({@link Carts#snapshotting}) on the file engine with fsync, as the service
 * runs. One stream of 10,000 cart events (a customer's carts: adds, quantity changes, removals and a checkout every
 * 50 events, so the state remembers 200 checkouts) is copied once per configuration, then per configuration:
 * <ul>
 *   <li><b>cold load</b>: a new handler (as after a restart) loads the stream: snapshot + the events after it, or
 *   all 10,000 events;</li>
 *   <li><b>cold command</b>: a new handler decides and appends one command (load + decide + fsync'd append);</li>
 *   <li><b>warm command</b>: one handler, its state cached, decides and appends command after command (each
 *   append fsync'd; every N-th asks for a snapshot, written after the command or, "sync", before it returns).</li>
 * </ul>
 * All configurations run in one JVM, round by round in turn, after a common warm-up; the ratios come from one run.
 * {@code --engine=postgres} runs it on the PostgreSQL engine (an embedded server, fsync and synchronous_commit
 * on); {@code --quick} is a smoke run.
 */
public final class SnapshotBenchmark {

    private static final String CUSTOMER = "bench-customer";
    private static final Address HOME = new Address("Ada", "1 Main St", "", "London", "N1", "GB");
    private static final PriceList PRICES = new PriceList(Map.of(
            "SKU-1", new Product.OnSale("SKU-1", "One", 1999),
            "SKU-2", new Product.OnSale("SKU-2", "Two", 250),
            "SKU-3", new Product.OnSale("SKU-3", "Three", 4200),
            "SKU-4", new Product.OnSale("SKU-4", "Four", 75),
            "SKU-5", new Product.OnSale("SKU-5", "Five", 12_000)));
    private static final List<String> SKUS = List.of("SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5");
    private static final CommandContext CONTEXT = new CommandContext(new UUID(1, 1), "bench", CUSTOMER, Map.of());

    private record Config(String name, int every, boolean syncWrites) {
    }

    private record Figures(Histogram coldLoad, Histogram coldCommand, Histogram warmCommand, long snapshotBytes,
                           double snapshotsWritten) {
    }

    private SnapshotBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        boolean postgres = List.of(args).contains("--engine=postgres");
        int streamLength = 10_000;
        int coldRounds = quick ? 20 : 100;
        int warmRounds = quick ? 300 : 2_000;
        Path data = Path.of("benchmarks/target/bench-data/snapshots");
        deleteTree(data);
        Files.createDirectories(data);

        List<Config> configs = List.of(new Config("no snapshots", 0, false),
                new Config("every 1000", 1000, false), new Config("every 100 (default)", 100, false),
                new Config("every 100, written before the command returns", 100, true),
                new Config("every 10", 10, false));

        System.out.printf(Locale.ROOT, "snapshots: a cart stream of %,d events, %s; %d cold and %d warm commands per"
                + " configuration%n", streamLength, postgres ? "PostgreSQL engine (embedded server, fsync and"
                + " synchronous_commit on)" : "file engine with fsync", coldRounds, warmRounds);
        System.out.println("machine: " + Machine.cpu() + ", " + Machine.memory() + ", " + Machine.kernel() + ", "
                + Machine.jdk());
        System.out.println("disk: " + Machine.disk(data) + "; load before: " + Machine.load());
        System.out.println("commit: " + System.getProperty("bench.commit", "unknown"));

        List<RecordedEvent> stream;
        try (FileEventStore setup = FileEventStore.open(data.resolve("template"),
                FileEventStoreOptions.defaults().withDurability(Durability.NONE))) {
            stream = write(setup, "cart-template", streamLength);
        }

        List<Figures> results;
        Histogram serialize = new Histogram(3);
        Histogram save = new Histogram(3);
        Histogram deserialize = new Histogram(3);
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres server = postgres
                ? io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(data.resolve("postgres"))
                .setCleanDataDirectory(true)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setPGStartupWait(java.time.Duration.ofSeconds(60))
                .start() : null;
        try (EventStore store = postgres
                ? eventshop.eventstore.postgres.PostgresEventStore.open(eventshop.eventstore.postgres
                .PostgresEventStoreOptions.forUrl(server.getJdbcUrl("postgres", "postgres"), "postgres", null))
                : FileEventStore.open(data.resolve("store"),
                FileEventStoreOptions.defaults().withDurability(Durability.FSYNC))) {
            for (int i = 0; i < configs.size(); i++) {
                copy(store, stream, "cart-config-" + i);
            }
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < configs.size(); i++) {
                runs.add(new Run(store, configs.get(i), "cart-config-" + i));
            }
            // warm-up: the JIT on the fold, the codec and the snapshot form; and each stream's first snapshot
            for (Run run : runs) {
                run.handler().load(run.streamId);
            }
            measure(runs, 10, 50);
            for (Run run : runs) {
                run.reset();
            }
            // measured: the configurations in turn, round by round, so that what else the machine does weighs
            // on all of them alike
            measure(runs, coldRounds, warmRounds);
            results = new ArrayList<>();
            for (Run run : runs) {
                results.add(run.figures());
                run.close();
            }
            // one snapshot write, as the writer does it: the state to JSON, then the store's save (its fsyncs)
            CommandHandler.Snapshotting<Cart.State> form = Carts.snapshotting(100);
            Cart.State state = runs.getFirst().handler().load("cart-config-0").state();
            long version = store.streamVersion("cart-config-0");
            for (int i = 0; i < 20 + coldRounds; i++) {
                long start = System.nanoTime();
                byte[] json = form.serialize().apply(state);
                long serialized = System.nanoTime();
                store.saveSnapshot(new eventshop.eventstore.Snapshot("cart-config-0", version, form.type(), json));
                long saved = System.nanoTime();
                long parseStart = System.nanoTime();
                form.deserialize().apply(json);
                long parsed = System.nanoTime();
                if (i >= 20) {
                    serialize.recordValue(serialized - start);
                    save.recordValue(saved - serialized);
                    deserialize.recordValue(parsed - parseStart);
                }
            }
        }

        if (server != null) {
            server.close();
        }
        Function<Histogram, String> row = h -> String.format(Locale.ROOT, "%8.2f | %8.2f | %8.2f | %8.2f | %8.2f",
                h.getMean() / 1e6, h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getMaxValue() / 1e6);
        StringBuilder table = new StringBuilder();
        table.append("| configuration | measure | mean ms | p50 ms | p90 ms | p99 ms | max ms |\n");
        table.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < configs.size(); i++) {
            Figures figures = results.get(i);
            String name = configs.get(i).name();
            table.append("| ").append(name).append(" | cold load | ").append(row.apply(figures.coldLoad())).append(" |\n");
            table.append("| ").append(name).append(" | cold command | ").append(row.apply(figures.coldCommand()))
                    .append(" |\n");
            table.append("| ").append(name).append(" | warm command | ").append(row.apply(figures.warmCommand()))
                    .append(" |\n");
        }
        table.append("\n| configuration | snapshot size | snapshots written | cold load p50 vs. no snapshots |"
                + " cold command p50 vs. no snapshots | warm mean vs. no snapshots |\n|---|---:|---:|---:|---:|---:|\n");
        double coldBase = results.getFirst().coldLoad().getValueAtPercentile(50);
        double coldCommandBase = results.getFirst().coldCommand().getValueAtPercentile(50);
        double warmBase = results.getFirst().warmCommand().getMean();
        for (int i = 0; i < configs.size(); i++) {
            Figures figures = results.get(i);
            table.append(String.format(Locale.ROOT, "| %s | %,d bytes | %.0f | %.3f× | %.3f× | %.2f× |%n",
                    configs.get(i).name(), figures.snapshotBytes(), figures.snapshotsWritten(),
                    figures.coldLoad().getValueAtPercentile(50) / coldBase,
                    figures.coldCommand().getValueAtPercentile(50) / coldCommandBase,
                    figures.warmCommand().getMean() / warmBase));
        }
        table.append(String.format(Locale.ROOT, "%nOne snapshot of this cart (%,d bytes of JSON): to JSON p50 %.2f ms,"
                        + " from JSON p50 %.2f ms, the store's save (file engine: temporary file, fsync, rename, fsync"
                        + " of the directory; PostgreSQL: one upsert) p50 %.2f ms, p99 %.2f ms.%n", results.get(2).snapshotBytes(),
                serialize.getValueAtPercentile(50) / 1e6, deserialize.getValueAtPercentile(50) / 1e6,
                save.getValueAtPercentile(50) / 1e6, save.getValueAtPercentile(99) / 1e6));
        System.out.println();
        System.out.print(table);
        Files.writeString(Path.of(postgres ? "benchmarks/target/snapshots-postgres.md" : "benchmarks/target/snapshots.md"),
                table.toString());
        deleteTree(data);
    }

    /** One configuration's stream, handlers, snapshot writes and figures. */
    private static final class Run implements AutoCloseable {
        final EventStore store;
        final Config config;
        final String streamId;
        final java.util.concurrent.ExecutorService writes = java.util.concurrent.Executors
                .newVirtualThreadPerTaskExecutor();
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry;
        Histogram coldLoad;
        Histogram coldCommand;
        Histogram warmCommand;
        CommandHandler<Cart.Command, CartEvent, Cart.State> warm;
        int n;

        Run(EventStore store, Config config, String streamId) {
            this.store = store;
            this.config = config;
            this.streamId = streamId;
            reset();
        }

        void reset() {
            registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            coldLoad = new Histogram(3);
            coldCommand = new Histogram(3);
            warmCommand = new Histogram(3);
            warm = null;
        }

        CommandHandler<Cart.Command, CartEvent, Cart.State> handler() {
            Executor executor = config.syncWrites() ? Runnable::run : writes;
            return CommandHandler.builder("carts", store, Cart.DECIDER, JsonEventCodec.of(CartEvent.class))
                    .clock(Clock.systemUTC())
                    .snapshotting(config.every() > 0 ? Carts.snapshotting(config.every()) : null)
                    .snapshotWrites(executor)
                    .meterRegistry(registry)
                    .build();
        }

        void cold() {
            long start = System.nanoTime();
            handler().load(streamId);
            coldLoad.recordValue(System.nanoTime() - start);
            CommandHandler<Cart.Command, CartEvent, Cart.State> restarted = handler();
            Cart.Command command = next(n++);
            start = System.nanoTime();
            restarted.handle(streamId, command, CONTEXT);
            coldCommand.recordValue(System.nanoTime() - start);
        }

        void warm() {
            if (warm == null) {
                warm = handler();
                warm.load(streamId);
            }
            Cart.Command command = next(n++);
            long start = System.nanoTime();
            warm.handle(streamId, command, CONTEXT);
            warmCommand.recordValue(System.nanoTime() - start);
        }

        Figures figures() {
            long size = store.loadSnapshot(streamId).map(snapshot -> (long) snapshot.data().length).orElse(0L);
            var written = registry.find("eventstore.snapshots.written").counter();
            return new Figures(coldLoad, coldCommand, warmCommand, size, written == null ? 0 : written.count());
        }

        /** Waits for the snapshot writes under way. */
        @Override
        public void close() {
            writes.close();
        }
    }

    private static void measure(List<Run> runs, int coldRounds, int warmRounds) {
        for (int i = 0; i < coldRounds; i++) {
            for (Run run : runs) {
                run.cold();
            }
        }
        for (int i = 0; i < warmRounds; i++) {
            for (Run run : runs) {
                run.warm();
            }
        }
    }

    /** Adds and removes one unit of SKU-4 in turn: one event per command. */
    private static Cart.Command next(int n) {
        return n % 2 == 0 ? new Cart.AddItem(CUSTOMER, "SKU-4", 1, PRICES.product("SKU-4"))
                : new Cart.RemoveItem(CUSTOMER, "SKU-4");
    }

    /** A customer's {@code length} cart events, decided by the cart's decider: a checkout every 50 events. */
    private static List<RecordedEvent> write(EventStore store, String streamId, int length) {
        CommandHandler<Cart.Command, CartEvent, Cart.State> handler = CommandHandler
                .builder("carts", store, Cart.DECIDER, JsonEventCodec.of(CartEvent.class)).build();
        int checkouts = 0;
        for (long version = -1, step = 0; version < length - 1; step++) {
            Cart.State state = handler.load(streamId).state();
            Cart.Command command;
            if ((version + 2) % 50 == 0 && !state.lines().isEmpty()) {
                command = new Cart.CheckOut(CUSTOMER, "order-" + checkouts++, "ada@example.com", PRICES, HOME,
                        "tok_bench", new PaymentCard.Usable());
            } else {
                String sku = SKUS.get((int) (step % SKUS.size()));
                boolean held = state.lines().stream().anyMatch(line -> line.sku().equals(sku));
                command = !held || step % 3 == 0 ? new Cart.AddItem(CUSTOMER, sku, 1 + (int) (step % 4),
                        PRICES.product(sku))
                        : step % 3 == 1 ? new Cart.ChangeQuantity(CUSTOMER, sku, 1 + (int) (step % 7),
                        PRICES.product(sku)) : new Cart.RemoveItem(CUSTOMER, sku);
            }
            try {
                version = handler.handle(streamId, command, CONTEXT).streamVersion();
            } catch (eventshop.eventsourcing.decider.DomainError refused) {
                // a quantity over the line's limit, say: the next step decides another command
            }
        }
        return store.read(streamId, 0).collectList().block();
    }

    private static void copy(EventStore store, List<RecordedEvent> events, String streamId) {
        List<EventData> batch = new ArrayList<>();
        for (RecordedEvent event : events) {
            batch.add(new EventData(UUID.randomUUID(), event.type(), event.data(), event.metadata()));
            if (batch.size() == 1000) {
                store.append(streamId, ExpectedVersion.any(), batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            store.append(streamId, ExpectedVersion.any(), batch);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
