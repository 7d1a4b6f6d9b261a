package eventshop.launcher;

import eventshop.edge.readiness.StoreReadiness;
import eventshop.kafka.broker.InProcessKafka;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The embedded topology of DESIGN §2 in this JVM: an in-process Kafka broker, every service as its
 * own Spring context on its own port with its own file-engine event store and H2 read-model
 * database under the data directory, and edge in front. {@code ./store up} ({@link Store}) and the
 * end-to-end tests start the store through this class, so they run the same code.
 *
 * <p>{@link #start()} blocks until every application answers its readiness probe and the demo data
 * is loaded, and then tells edge that the store is ready: edge's own readiness stays down until then
 * ({@code eventshop.edge.await-store-ready}), so a client that starts on it finds the demo data; {@link #close()} stops edge, then the services in reverse start order, then the broker
 * (DESIGN §9), and may be called from a shutdown hook at any time, also while {@link #start()} is
 * still running (it then waits for the start to notice and give up). A failed start closes whatever
 * had started and throws {@link StoreStartException}.
 *
 * <p>Data directory layout:
 * <pre>
 * data/
 *   .lock                  held while a store runs on this directory
 *   secrets/               token-secret, admin-password (mode 600)
 *   kafka/                 the broker's KRaft metadata and topic logs
 *   &lt;service&gt;/eventstore/  the service's event store (file engine)
 *   &lt;service&gt;/readmodel.mv.db  the service's H2 database (read models, checkpoints, processed messages)
 *   edge/sessions.mv.db    edge's H2 database: the server-side sessions of the session tokens
 *   demo-data.loaded       written once the demo data is in
 * </pre>
 */
public final class StoreRuntime implements AutoCloseable {

    /** The service that owns the admin account and is told its password. */
    static final String ACCOUNTS = "accounts";
    static final String DEMO_MARKER = "demo-data.loaded";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private static final Logger log = LoggerFactory.getLogger(StoreRuntime.class);

    /**
     * Auto-configurations edge must not run although they are on the shared classpath: the
     * services' event-sourcing stack (event store, relay, projections, bindings). Edge keeps JDBC (its
     * sessions' database) and plain Kafka (it follows {@code accounts.events}).
     */
    private static final List<String> NOT_FOR_EDGE = List.of("eventshop.eventsourcing.",
            "org.springframework.cloud.stream.", "org.springframework.cloud.function.",
            "org.springframework.boot.integration.",
            // the gateway would route every unmatched path to a (missing) Spring Cloud Function: 500
            "org.springframework.cloud.gateway.server.mvc.config.DefaultFunctionConfiguration");
    /** ... and the services must not run edge's gateway, nor its server-side sessions. */
    private static final List<String> NOT_FOR_SERVICES = List.of("org.springframework.cloud.gateway.",
            "org.springframework.boot.session.");

    private final StoreConfig config;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Object lock = new Object();
    private final Map<String, ConfigurableApplicationContext> running = new LinkedHashMap<>();
    private final CountDownLatch startEnded = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile boolean failed;
    private volatile Thread starter;
    private volatile InProcessKafka kafka;
    private FileChannel lockChannel;
    private FileLock dataLock;
    private Secrets secrets;
    private Duration startTime;
    private boolean demoDataLoaded;

    /** A start step that gave up because the store is being closed or the other lane failed. */
    private static final class Aborted extends StoreStartException {
        Aborted(String message) {
            super(message);
        }
    }

    public StoreRuntime(StoreConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    /**
     * One logging configuration for all contexts (DESIGN §9): Boot must not re-initialise logging
     * per context. Called before the first context starts; keeps a value set from outside.
     */
    static void oneLoggingSystem() {
        if (System.getProperty(LoggingSystem.SYSTEM_PROPERTY) == null) {
            System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
        }
        // what Boot's logging system would have done: java.util.logging (Tomcat) into SLF4J
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /**
     * Starts the broker and every application, waits until all are ready and loads the demo data
     * on the first start.
     *
     * @throws StoreStartException if anything fails (everything started so far is closed again)
     */
    public void start() {
        starter = Thread.currentThread();
        long started = System.nanoTime();
        try {
            oneLoggingSystem();
            lockDataDirectory();
            secrets = Secrets.load(config.dataDir().resolve("secrets"), config.adminPasswordFromEnv());
            checkPortsFree();
            startAll();
            for (ServiceApp app : config.apps()) {
                awaitStarted(app, () -> closed || failed);
                checkNotClosed();
            }
            if (config.demoData()) {
                loadDemoDataOnce();
            }
            storeReady(() -> closed || failed);
            startTime = Duration.ofNanos(System.nanoTime() - started);
        } catch (StoreStartException e) {
            failed = true;
            startEnded.countDown();
            close();
            throw e;
        } catch (RuntimeException | Error e) {
            failed = true;
            startEnded.countDown();
            close();
            throw new StoreStartException("the store could not start: " + rootMessage(e), e);
        } finally {
            startEnded.countDown();
        }
    }

    /** Edge's base URL, {@code http://localhost:8080} by default; the API is under {@code /api}. */
    public URI edgeUrl() {
        return appUrl(config.edge());
    }

    /** The base URL of one application by name. */
    public URI url(String app) {
        return config.apps().stream().filter(a -> a.name().equals(app)).findFirst().map(this::appUrl)
                .orElseThrow(() -> new IllegalArgumentException("no application " + app));
    }

    public StoreConfig config() {
        return config;
    }

    /** The admin's password (from the environment or the secrets directory); after {@link #start()}. */
    public String adminPassword() {
        return secrets.adminPassword();
    }

    Secrets secrets() {
        return secrets;
    }

    /** Time from {@link #start()} to ready (demo data included); after {@link #start()}. */
    public Duration startTime() {
        return startTime;
    }

    /** Whether this start loaded the demo data (false when it was there from an earlier start). */
    public boolean demoDataLoadedNow() {
        return demoDataLoaded;
    }

    /** The running context of one application, for tests and diagnostics. */
    public ConfigurableApplicationContext context(String app) {
        synchronized (lock) {
            ConfigurableApplicationContext context = running.get(app);
            if (context == null) {
                throw new IllegalStateException(app + " is not running");
            }
            return context;
        }
    }

    /**
     * Closes one application's context, leaving the others and the broker running (what a crash or a
     * redeploy of one service looks like to the rest of the store). Its messages wait in Kafka.
     */
    public void stopApp(String name) {
        ServiceApp app = app(name);
        ConfigurableApplicationContext context;
        synchronized (lock) {
            context = running.remove(app.name());
        }
        if (context == null) {
            throw new IllegalStateException(name + " is not running");
        }
        ServiceNames.set(app.name());
        try {
            context.close();
        } finally {
            ServiceNames.clear();
        }
    }

    /** Starts an application stopped by {@link #stopApp} again, with the same settings, and waits until it is ready. */
    public void startApp(String name) {
        ServiceApp app = app(name);
        synchronized (lock) {
            if (running.containsKey(app.name())) {
                throw new IllegalStateException(name + " is running already");
            }
        }
        startApp(app);
        awaitStarted(app, () -> closed);
        if (app.kind() == ServiceApp.Kind.EDGE && startTime != null) {
            storeReady(() -> closed);
        }
    }

    /**
     * Waits until the application can take requests: a service's readiness (its read models caught up),
     * edge's liveness — edge's readiness waits for {@link #storeReady}, which needs edge to load the demo data.
     */
    private void awaitStarted(ServiceApp app, java.util.function.BooleanSupplier aborted) {
        String probe = app.kind() == ServiceApp.Kind.EDGE ? Readiness.LIVENESS : Readiness.PATH;
        new Readiness(http).await(app.name(), appUrl(app), probe, READY_TIMEOUT, aborted);
    }

    /**
     * Tells edge that the whole store is ready (every service ready, the demo data in), which opens its
     * readiness probe, and waits until the probe says so: from then on a client that starts on edge's
     * readiness finds everything there.
     */
    private void storeReady(java.util.function.BooleanSupplier aborted) {
        ServiceApp edge = config.edge();
        ConfigurableApplicationContext context;
        synchronized (lock) {
            context = running.get(edge.name());
        }
        if (context != null) {
            context.getBeanProvider(StoreReadiness.class).ifAvailable(StoreReadiness::storeReady);
        }
        new Readiness(http).await(edge.name(), appUrl(edge), Readiness.PATH, READY_TIMEOUT, aborted);
    }

    /** {@link #stopApp} then {@link #startApp}. */
    public void restartApp(String name) {
        stopApp(name);
        startApp(name);
    }

    private ServiceApp app(String name) {
        checkNotClosed();
        return config.apps().stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no application " + name));
    }

    /**
     * Stops edge, the services in reverse start order and the broker, and releases the data
     * directory. Idempotent; safe from a shutdown hook while {@link #start()} runs.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (starter != null && starter != Thread.currentThread()) {
            try {
                if (!startEnded.await(60, TimeUnit.SECONDS)) {
                    log.warn("the start did not give up within 60 s; stopping what is running");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ServiceApp app : config.apps().reversed()) { // edge first, then the services in reverse
            ConfigurableApplicationContext context;
            synchronized (lock) {
                context = running.remove(app.name());
            }
            if (context == null) {
                continue;
            }
            ServiceNames.set(app.name());
            try {
                context.close();
            } catch (RuntimeException e) {
                log.warn("{} did not stop cleanly: {}", app.name(), rootMessage(e), e);
            } finally {
                ServiceNames.clear();
            }
        }
        if (kafka != null) {
            try {
                kafka.close();
            } catch (RuntimeException e) {
                log.warn("the Kafka broker did not stop cleanly: {}", rootMessage(e), e);
            }
            kafka = null;
        }
        releaseDataDirectory();
    }

    // ---------------------------------------------------------------------------------------------

    private void lockDataDirectory() {
        Path dir = config.dataDir();
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                dataLock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                dataLock = null;
            }
            if (dataLock == null) {
                throw new StoreStartException("another store is running on " + dir
                        + " (stop it first, or use --data DIR for a second one)");
            }
            lockChannel.truncate(0).write(java.nio.ByteBuffer.wrap(
                    (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
            if (config.fresh()) {
                deleteContentsExceptLock(dir);
                out.println("  --fresh: deleted everything in " + dir);
            }
        } catch (IOException e) {
            throw new StoreStartException("cannot use the data directory " + dir + ": " + e, e);
        }
    }

    private static void deleteContentsExceptLock(Path dir) throws IOException {
        Path lockFile = dir.resolve(".lock");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!path.equals(dir) && !path.equals(lockFile)) {
                    Files.delete(path);
                }
            }
        }
    }

    private void releaseDataDirectory() {
        try {
            if (dataLock != null) {
                dataLock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            log.warn("could not release the lock on {}: {}", config.dataDir(), e.toString());
        } finally {
            dataLock = null;
            lockChannel = null;
        }
    }

    /** A port in use is the most likely failure; say which one and what for before starting anything. */
    private void checkPortsFree() {
        Map<Integer, String> ports = new LinkedHashMap<>();
        ports.put(config.kafkaPort(), "the Kafka broker (--kafka-port)");
        ports.put(config.controllerPort(), "the Kafka controller (--controller-port)");
        for (ServiceApp app : config.apps()) {
            String before = ports.putIfAbsent(config.port(app), app.name() + " (--port " + app.name() + "=N)");
            if (before != null) {
                throw new StoreStartException("port " + config.port(app) + " is configured twice: for " + before
                        + " and for " + app.name());
            }
        }
        for (Map.Entry<Integer, String> port : ports.entrySet()) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port.getKey()));
            } catch (IOException e) {
                throw new StoreStartException("port " + port.getKey() + " for " + port.getValue()
                        + " is in use (" + e.getMessage() + "). Is a store already running? Stop it, or choose another port.");
            }
        }
    }

    /**
     * A context starts on one thread, and its start is mostly work for one core: the broker and the
     * applications start from a queue on as many threads as there are cores (at most three), the
     * broker first. Every service but the first waits for the broker, since its Kafka consumers
     * bind while it starts; edge needs neither the broker nor the services to start.
     */
    private void startAll() {
        CompletableFuture<Void> brokerUp = new CompletableFuture<>();
        ServiceApp first = config.services().isEmpty() ? null : config.services().getFirst();
        Queue<Runnable> steps = new ConcurrentLinkedQueue<>();
        steps.add(() -> {
            try {
                startBroker();
                brokerUp.complete(null);
            } catch (RuntimeException | Error e) {
                brokerUp.completeExceptionally(e);
                throw e;
            }
        });
        for (ServiceApp app : config.apps()) {
            steps.add(() -> {
                if (app != first) {
                    awaitBroker(brokerUp);
                }
                startApp(app);
            });
        }
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Runnable lane = () -> {
            for (Runnable step = steps.poll(); step != null && !failed && !closed; step = steps.poll()) {
                try {
                    step.run();
                } catch (Throwable e) {
                    failures.add(e);
                    failed = true;
                    return;
                }
            }
        };
        int lanes = Integer.getInteger("eventshop.start.lanes",
                Math.max(1, Math.min(3, Runtime.getRuntime().availableProcessors())));
        List<Thread> helpers = new ArrayList<>();
        for (int i = 1; i < lanes; i++) {
            Thread helper = new Thread(lane, "store-start-" + i);
            helper.start();
            helpers.add(helper);
        }
        lane.run();
        helpers.forEach(StoreRuntime::awaitQuietly);
        if (!failures.isEmpty()) {
            Throwable cause = failures.stream().filter(e -> !(e instanceof Aborted)).findFirst().orElse(failures.getFirst());
            throw cause instanceof StoreStartException start ? start
                    : new StoreStartException("the store could not start: " + rootMessage(cause), cause);
        }
        checkNotClosed();
    }

    private static void awaitBroker(CompletableFuture<Void> brokerUp) {
        try {
            brokerUp.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof StoreStartException start ? start
                    : new StoreStartException("the Kafka broker failed to start: " + rootMessage(e), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Aborted("interrupted while waiting for the Kafka broker");
        }
    }

    private static void awaitQuietly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void startBroker() {
        long t0 = System.nanoTime();
        Path dir = config.dataDir().resolve("kafka");
        ServiceNames.set("kafka");
        try {
            kafka = InProcessKafka.open(dir, config.kafkaPort(), config.controllerPort());
        } catch (RuntimeException e) {
            throw new StoreStartException("the Kafka broker failed to start over " + dir + ": " + rootMessage(e), e);
        } finally {
            ServiceNames.clear();
        }
        progress("kafka", "localhost:" + config.kafkaPort(), t0);
        checkNotClosed();
    }

    private void startApp(ServiceApp app) {
        long t0 = System.nanoTime();
        ServiceNames.set(app.name());
        ConfigurableApplicationContext context;
        try {
            SpringApplicationBuilder builder = app.builder().get().registerShutdownHook(false)
                    .initializers(new ExcludeAutoConfigurations(switch (app.kind()) {
                        case SERVICE -> autoConfigurationsStartingWith(NOT_FOR_SERVICES);
                        case EDGE -> autoConfigurationsStartingWith(NOT_FOR_EDGE);
                    }));
            builder.application().getAllSources().stream().filter(Class.class::isInstance).map(Class.class::cast)
                    .findFirst().ifPresent(builder::main);
            context = builder.run(arguments(app));
        } catch (RuntimeException | Error e) {
            throw new StoreStartException(app.name() + " failed to start: " + rootMessage(e), e);
        } finally {
            ServiceNames.clear();
        }
        synchronized (lock) {
            running.put(app.name(), context);
        }
        progress(app.name(), appUrl(app).toString(), t0);
        checkNotClosed();
    }

    /**
     * Properties for one application, as command-line arguments: those rank above the
     * application's own config file, which holds defaults for running it alone.
     */
    List<String> argumentsFor(ServiceApp app) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("server.port", String.valueOf(config.port(app)));
        props.put("spring.main.banner-mode", "off");
        props.put("spring.main.log-startup-info", "false");
        props.put("spring.jmx.enabled", "false");
        props.put("management.endpoint.health.probes.enabled", "true");
        props.put("eventshop.security.token-secret", secrets.tokenSecret());
        switch (app.kind()) {
            case SERVICE -> {
                Path dir = config.dataDir().resolve(app.name());
                String brokers = "localhost:" + config.kafkaPort();
                props.put("spring.kafka.bootstrap-servers", brokers);
                props.put("spring.cloud.stream.kafka.binder.brokers", brokers);
                // after a kill -9 the broker keeps the dead consumers in their groups until their
                // session times out, and the restarted ones get no partitions until then: 10 s,
                // not Kafka's 45 s, before a restarted store consumes again (DESIGN §9)
                props.put("spring.cloud.stream.kafka.binder.consumer-properties.session.timeout.ms", "10000");
                props.put("spring.cloud.stream.kafka.binder.consumer-properties.heartbeat.interval.ms", "3000");
                props.put("eventshop.eventstore.engine", "file");
                props.put("eventshop.eventstore.directory", dir.resolve("eventstore").toString());
                // WRITE_DELAY=0: every commit is written to the file before it returns, so kill -9
                // loses no committed transaction. Projections would survive without it (their
                // checkpoint commits with their data), but Kafka consumers commit their offsets
                // after the effect's transaction, and an effect lost to H2's write delay would be gone.
                props.put("spring.datasource.url", "jdbc:h2:file:" + dir.resolve("readmodel")
                        + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
                // where the other services answer, for the synchronous calls between them (ServiceCalls)
                for (ServiceApp other : config.services()) {
                    props.put("eventshop.services." + other.name() + ".url", appUrl(other).toString());
                }
                if (app.name().equals(ACCOUNTS)) {
                    props.put("eventshop.accounts.admin.password", secrets.adminPassword());
                }
            }
            case EDGE -> {
                for (ServiceApp service : config.services()) {
                    props.put("eventshop.edge.services." + service.name(), appUrl(service).toString());
                }
                // its sessions' database, and accounts.events for the sessions of suspended accounts
                props.put("spring.datasource.url", "jdbc:h2:file:" + config.dataDir().resolve(app.name()).resolve("sessions")
                        + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
                props.put("spring.kafka.bootstrap-servers", "localhost:" + config.kafkaPort());
                // ready only once the launcher says the store is (storeReady)
                props.put("eventshop.edge.await-store-ready", "true");
            }
        }
        props.putAll(config.properties());
        return props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
    }

    private String[] arguments(ServiceApp app) {
        return argumentsFor(app).toArray(String[]::new);
    }

    /** The auto-configurations on the classpath whose class names start with one of {@code prefixes}. */
    static List<String> autoConfigurationsStartingWith(List<String> prefixes) {
        List<String> names = new ArrayList<>();
        for (String candidate : ImportCandidates.load(AutoConfiguration.class, StoreRuntime.class.getClassLoader())) {
            if (prefixes.stream().anyMatch(candidate::startsWith)) {
                names.add(candidate);
            }
        }
        return names;
    }

    /**
     * Adds auto-configurations to {@code spring.autoconfigure.exclude}, keeping those the
     * application excludes itself (a list property is not merged across property sources, so an
     * argument would replace the application's own list).
     */
    private record ExcludeAutoConfigurations(List<String> more)
            implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        private static final String PROPERTY = "spring.autoconfigure.exclude";

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            ConfigurableEnvironment env = context.getEnvironment();
            Set<String> excluded = new LinkedHashSet<>(Binder.get(env)
                    .bind(PROPERTY, Bindable.listOf(String.class)).orElse(List.of()));
            excluded.addAll(more);
            env.getPropertySources().addFirst(new MapPropertySource("eventshop-launcher-exclusions",
                    Map.of(PROPERTY, String.join(",", excluded))));
        }
    }

    private void loadDemoDataOnce() {
        Path marker = config.dataDir().resolve(DEMO_MARKER);
        if (Files.exists(marker)) {
            return;
        }
        long t0 = System.nanoTime();
        new DemoData(new EdgeClient(http, edgeUrl()), secrets.adminPassword(), () -> closed).load();
        try {
            Files.writeString(marker, "demo data loaded " + java.time.Instant.now() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        demoDataLoaded = true;
        progress("demo data", DemoData.PRODUCTS.size() + " products, " + DemoData.CUSTOMERS.size() + " customers", t0);
    }

    private void checkNotClosed() {
        if (closed) {
            throw new Aborted("the store was stopped while it was starting");
        }
        if (failed) {
            throw new Aborted("the start was abandoned after a failure");
        }
    }

    private URI appUrl(ServiceApp app) {
        return URI.create("http://localhost:" + config.port(app));
    }

    private void progress(String what, String where, long startedNanos) {
        out.printf("  %-10s %-28s %5.1f s%n", what, where, (System.nanoTime() - startedNanos) / 1e9);
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
