package eventshop.launcher;

import eventshop.edge.readiness.StoreReadiness;
import eventshop.kafka.broker.InProcessKafka;
import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import eventshop.launcher.logging.OneLoggingSystem;
import eventshop.launcher.logging.ServiceNames;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded topology of DESIGN §2 in this JVM: an in-process Kafka broker, every service as its
 * own Spring context on its own port with its own event store and H2 read-model database under the
 * data directory, and edge in front. {@code ./store up} ({@link Store}) and the end-to-end tests
 * start the store through this class, so they run the same code.
 *
 * <p>{@link #start()} blocks until every application answers its readiness probe and the demo data
 * is loaded, and then tells edge that the store is ready: edge's own readiness stays down until then
 * ({@code eventshop.edge.await-store-ready}), so a client that starts on it finds the demo data;
 * {@link #close()} stops edge, then the services in reverse start order, then the broker (DESIGN §9),
 * and may be called from a shutdown hook at any time, also while {@link #start()} is still running (it
 * then waits for the start to notice and give up). A failed start closes whatever had started and
 * throws {@link StoreStartException}.
 *
 * <p>This class orchestrates; each concern has its own: the data directory's lock
 * ({@link DataDirectory}), the ports ({@link PortCheck}), the secrets ({@link Secrets}), what each
 * application is told ({@link AppArguments}), what it leaves out of the shared classpath
 * ({@link SharedClasspath}), the parallel start ({@link StartLanes}), readiness ({@link Readiness}),
 * the demo data ({@link DemoData}) and the one log ({@link OneLoggingSystem}).
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

    static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private static final Logger log = LoggerFactory.getLogger(StoreRuntime.class);

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
    private DataDirectory dataDirectory;
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
     * Starts the broker and every application, waits until all are ready and loads the demo data
     * on the first start.
     *
     * @throws StoreStartException if anything fails (everything started so far is closed again)
     */
    public void start() {
        starter = Thread.currentThread();
        long started = System.nanoTime();
        try {
            OneLoggingSystem.install();
            dataDirectory = DataDirectory.lock(config.dataDir(), config.fresh(), out);
            secrets = Secrets.load(config.dataDir().resolve("secrets"), config.adminPasswordFromEnv());
            PortCheck.checkFree(config);
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
        return config.url(config.edge());
    }

    /** The base URL of one application by name. */
    public URI url(String app) {
        return config.apps().stream().filter(a -> a.name().equals(app)).findFirst().map(config::url)
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

    /** {@link #stopApp} then {@link #startApp}. */
    public void restartApp(String name) {
        stopApp(name);
        startApp(name);
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
        // edge first (nothing new comes in), then the services all at once: each waits mostly on the broker
        // (its consumers leaving, its producers flushing), so one after the other they took ten times as long
        closeApp(config.edge());
        List<Thread> stopping = config.services().stream()
                .map(app -> Thread.ofPlatform().name("stop-" + app.name()).start(() -> closeApp(app))).toList();
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
        if (dataDirectory != null) {
            dataDirectory.close();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Closes {@code app}'s context if it runs; a failure is logged, not thrown (the others still stop). */
    private void closeApp(ServiceApp app) {
        ConfigurableApplicationContext context;
        synchronized (lock) {
            context = running.remove(app.name());
        }
        if (context == null) {
            return;
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

    private ServiceApp app(String name) {
        checkNotClosed();
        return config.apps().stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no application " + name));
    }

    /**
     * The broker first, then the applications, on {@link StartLanes}. Every service but the first waits
     * for the broker, since its Kafka consumers bind while it starts; edge needs neither the broker nor
     * the services to start.
     */
    private void startAll() {
        CompletableFuture<Void> brokerUp = new CompletableFuture<>();
        ServiceApp first = config.services().isEmpty() ? null : config.services().getFirst();
        List<Runnable> steps = new ArrayList<>();
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
        List<Throwable> failures = StartLanes.run(steps, StartLanes.forThisMachine(), () -> closed || failed,
                () -> failed = true);
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
                    .initializers(SharedClasspath.exclusionsFor(app.kind()));
            builder.application().getAllSources().stream().filter(Class.class::isInstance).map(Class.class::cast)
                    .findFirst().ifPresent(builder::main);
            var recorder = StartReport.recorder();
            if (recorder != null) {
                builder.applicationStartup(recorder);
            }
            context = builder.run(AppArguments.of(config, secrets, app).toArray(String[]::new));
            if (recorder != null) {
                StartReport.log(app.name(), recorder);
            }
        } catch (RuntimeException | Error e) {
            throw new StoreStartException(app.name() + " failed to start: " + rootMessage(e), e);
        } finally {
            ServiceNames.clear();
        }
        synchronized (lock) {
            running.put(app.name(), context);
        }
        progress(app.name(), config.url(app).toString(), t0);
        checkNotClosed();
    }

    /**
     * Waits until the application can take requests: a service's readiness (its read models caught up),
     * edge's liveness — edge's readiness waits for {@link #storeReady}, which needs edge to load the demo data.
     */
    private void awaitStarted(ServiceApp app, BooleanSupplier aborted) {
        String probe = app.kind() == ServiceApp.Kind.EDGE ? Readiness.LIVENESS : Readiness.PATH;
        new Readiness(http).await(app.name(), config.url(app), probe, READY_TIMEOUT, aborted);
    }

    /**
     * Tells edge that the whole store is ready (every service ready, the demo data in), which opens its
     * readiness probe, and waits until the probe says so: from then on a client that starts on edge's
     * readiness finds everything there.
     */
    private void storeReady(BooleanSupplier aborted) {
        ServiceApp edge = config.edge();
        ConfigurableApplicationContext context;
        synchronized (lock) {
            context = running.get(edge.name());
        }
        if (context != null) {
            context.getBeanProvider(StoreReadiness.class).ifAvailable(StoreReadiness::storeReady);
        }
        new Readiness(http).await(edge.name(), config.url(edge), Readiness.PATH, READY_TIMEOUT, aborted);
    }

    private void loadDemoDataOnce() {
        long t0 = System.nanoTime();
        try {
            demoDataLoaded = new DemoData(new EdgeClient(http, edgeUrl()), secrets.adminPassword(), () -> closed)
                    .loadOnce(config.dataDir());
        } catch (DemoData.LoadFailed e) {
            throw new StoreStartException(e.getMessage(), e);
        }
        if (demoDataLoaded) {
            progress("demo data", DemoData.PRODUCTS.size() + " products, " + DemoData.CUSTOMERS.size() + " customers", t0);
        }
    }

    private void checkNotClosed() {
        if (closed) {
            throw new Aborted("the store was stopped while it was starting");
        }
        if (failed) {
            throw new Aborted("the start was abandoned after a failure");
        }
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
