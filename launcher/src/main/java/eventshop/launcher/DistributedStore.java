package eventshop.launcher;

import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * {@code ./store up --distributed}: the distributed topology (DESIGN §2) on this machine, every part a process of its
 * own: a PostgreSQL server (embedded binaries, data in {@code DATA/postgres}), three Kafka nodes (KRaft, broker and
 * controller each, {@code DATA/kafka/node-N}), the Config Server serving the repository's {@code config/}, the
 * Eureka server, two instances each of carts and orders and one of every other application, each an executable jar
 * ({@code <app>-<version>-exec.jar}) with {@code SPRING_PROFILES_ACTIVE=distributed}, and edge on :8080 routing
 * through discovery. Every process logs to {@code DATA/logs/<name>.log}. {@link #close()} stops them in order: edge,
 * the applications, the platform, the brokers, PostgreSQL.
 *
 * <p>{@code --with-existing KAFKA_BOOTSTRAP,POSTGRES_URL} uses servers the user runs instead of starting them (either
 * part may be empty: {@code ,jdbc:postgresql://db:5432/eventshop} starts the brokers but not PostgreSQL).
 *
 * <p>The processes a killed launcher left behind are stopped at the next start: their ids are kept in
 * {@code DATA/processes}.
 */
public final class DistributedStore implements AutoCloseable {

    /** Where the applications' configuration server and registry answer. */
    static final int CONFIG_PORT = 8888;
    static final int DISCOVERY_PORT = 8761;
    static final int POSTGRES_PORT = 5432;
    /** The three Kafka nodes: broker ports 9092, 9094, 9096; controllers one above each. */
    static final int[] KAFKA_PORTS = {9092, 9094, 9096};
    /** The services that run twice (they scale out); the second instance's port is the first's + 100. */
    static final List<String> TWICE = List.of("carts", "orders");
    static final int SECOND_INSTANCE_OFFSET = 100;
    static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final String DATABASE = "eventshop";
    private static final String PG_USER = "postgres";

    /**
     * @param root             the repository (the applications' jars under its modules' {@code target/}, {@code config/})
     * @param existingKafka    bootstrap servers of a cluster the user runs, or null to start three nodes
     * @param existingPostgres a JDBC URL of a database the user runs, or null to start a server
     */
    public record Options(Path root, Path dataDir, boolean fresh, boolean demoData, String adminPasswordFromEnv,
                          String existingKafka, String existingPostgres, String javaOptions, Map<String, String> appEnv) {

        public Options {
            appEnv = Map.copyOf(appEnv);
        }
    }

    /** A process of the topology: its name ({@code orders-2} for a second instance), port and log. */
    record Part(String name, Process process, int port, Path log) {
    }

    private final Options options;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Part> kafka = new ArrayList<>();
    private final List<Part> platform = new ArrayList<>();
    private final List<Part> services = new ArrayList<>();
    private Part edge;
    private EmbeddedPostgres postgres;
    private DataDirectory dataDirectory;
    private Secrets secrets;
    private String kafkaBootstrap;
    private String postgresUrl;
    /** Of the topics the applications create: 3 on the store's own nodes, at most the brokers of an existing cluster. */
    private int replicationFactor = KAFKA_PORTS.length;
    private volatile boolean closed;
    private Duration startTime;

    public DistributedStore(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Starts everything, waits until every part is ready and loads the demo data on the first start. */
    public void start() {
        long started = System.nanoTime();
        try {
            dataDirectory = DataDirectory.lock(options.dataDir(), options.fresh(), out);
            secrets = Secrets.load(options.dataDir().resolve("secrets"), options.adminPasswordFromEnv());
            Files.createDirectories(logs());
            stopLeftovers();
            CompletableFuture<Void> database = CompletableFuture.runAsync(this::startPostgres);
            startKafka();
            database.join();
            startPlatform();
            startServices();
            startEdge();
            if (options.demoData()) {
                long t0 = System.nanoTime();
                if (new DemoData(new EdgeClient(http, edgeUrl()), secrets.adminPassword(), () -> closed)
                        .loadOnce(options.dataDir())) {
                    progress("demo data", DemoData.PRODUCTS.size() + " products, " + DemoData.CUSTOMERS.size()
                            + " customers", t0);
                }
            }
            startTime = Duration.ofNanos(System.nanoTime() - started);
        } catch (StoreStartException e) {
            close();
            throw e;
        } catch (IOException e) {
            close();
            throw new StoreStartException("the distributed store could not start: " + e, e);
        } catch (RuntimeException e) {
            close();
            Throwable cause = e.getCause() != null && e instanceof java.util.concurrent.CompletionException
                    ? e.getCause() : e;
            if (cause instanceof StoreStartException start) {
                throw start;
            }
            throw new StoreStartException("the distributed store could not start: "
                    + StoreRuntime.rootMessage(cause), cause);
        }
    }

    public URI edgeUrl() {
        return URI.create("http://localhost:" + Topology.edge().defaultPort());
    }

    public Duration startTime() {
        return startTime;
    }

    public String adminPassword() {
        return secrets.adminPassword();
    }

    /** The store's secrets (the token secret: a test mints an admin's token for the services' metrics); after {@link #start()}. */
    Secrets secrets() {
        return secrets;
    }

    /** Every process of the topology that runs now (not PostgreSQL's own: it forks its backends). */
    List<Part> parts() {
        List<Part> all = new ArrayList<>(kafka);
        all.addAll(platform);
        all.addAll(services);
        if (edge != null) {
            all.add(edge);
        }
        return all;
    }

    /** The process ids of every part, PostgreSQL's server included, for measuring them together. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>(parts().stream().map(part -> part.process().pid()).toList());
        postmasterPid().ifPresent(pids::add);
        return pids;
    }

    // ---- PostgreSQL

    private void startPostgres() {
        long t0 = System.nanoTime();
        if (options.existingPostgres() != null) {
            postgresUrl = options.existingPostgres();
        } else {
            try {
                postgres = postgresServer();
            } catch (IOException e) {
                throw new StoreStartException("PostgreSQL could not start: " + e.getMessage(), e);
            }
            createDatabase();
            postgresUrl = "jdbc:postgresql://localhost:" + POSTGRES_PORT + "/" + DATABASE;
        }
        createSchemas();
        progress("postgres", postgresUrl, t0);
    }

    private EmbeddedPostgres postgresServer() throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(options.dataDir().resolve("postgres"))
                .setCleanDataDirectory(false)
                .setPort(POSTGRES_PORT)
                // thirteen JVMs, each with a read-model pool and an event store's pool and listener
                .setServerConfig("max_connections", "400")
                .setServerConfig("listen_addresses", "localhost")
                // stopped by close(), last; its own hook would stop it first, under the applications still using it
                .setRegisterShutdownHook(false)
                .start();
    }

    private void createDatabase() {
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + POSTGRES_PORT + "/postgres", PG_USER, postgresPassword());
             Statement statement = connection.createStatement()) {
            var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
            if (!exists.next()) {
                statement.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new StoreStartException("could not create database " + DATABASE + ": " + e.getMessage(), e);
        }
    }

    /** One schema per application for its read models (their migrations would create them too; this is idempotent). */
    private void createSchemas() {
        try (Connection connection = connectToDatabase();
             Statement statement = connection.createStatement()) {
            for (String app : applications()) {
                statement.execute("CREATE SCHEMA IF NOT EXISTS " + app);
            }
            statement.execute("CREATE SCHEMA IF NOT EXISTS edge");
        } catch (SQLException e) {
            throw new StoreStartException("could not reach PostgreSQL at " + postgresUrl + ": " + e.getMessage(), e);
        }
    }

    private String postgresUser() {
        return options.existingPostgres() != null ? setting("EVENTSHOP_POSTGRES_USER", PG_USER) : PG_USER;
    }

    private String postgresPassword() {
        return options.existingPostgres() != null ? setting("EVENTSHOP_POSTGRES_PASSWORD", "") : "postgres";
    }

    private java.util.Optional<Long> postmasterPid() {
        Path pidFile = options.dataDir().resolve("postgres").resolve("postmaster.pid");
        try {
            return Files.exists(pidFile) ? Files.readAllLines(pidFile).stream().findFirst().map(Long::parseLong)
                    : java.util.Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    // ---- Kafka

    private void startKafka() throws IOException {
        long t0 = System.nanoTime();
        if (options.existingKafka() != null) {
            kafkaBootstrap = options.existingKafka();
            replicationFactor = existingReplicationFactor();
            progress("kafka", kafkaBootstrap + " (replication factor " + replicationFactor + ")", t0);
            return;
        }
        Path kafkaDir = options.dataDir().resolve("kafka");
        Files.createDirectories(kafkaDir);
        Path clusterIdFile = kafkaDir.resolve("cluster-id");
        if (!Files.exists(clusterIdFile)) {
            Files.writeString(clusterIdFile, Uuid.randomUuid().toString());
        }
        String clusterId = Files.readString(clusterIdFile).trim();
        List<String> voters = new ArrayList<>();
        List<String> brokers = new ArrayList<>();
        for (int i = 0; i < KAFKA_PORTS.length; i++) {
            voters.add((i + 1) + "@localhost:" + (KAFKA_PORTS[i] + 1));
            brokers.add("localhost:" + KAFKA_PORTS[i]);
        }
        for (int i = 0; i < KAFKA_PORTS.length; i++) {
            String name = "kafka-" + (i + 1);
            List<String> command = java("-Xmx384m");
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "eventshop.kafka.broker.KafkaNode",
                    "--dir", kafkaDir.resolve("node-" + (i + 1)).toString(), "--node-id", String.valueOf(i + 1),
                    "--port", String.valueOf(KAFKA_PORTS[i]), "--controller-port", String.valueOf(KAFKA_PORTS[i] + 1),
                    "--voters", String.join(",", voters), "--cluster-id", clusterId,
                    "--nodes", String.valueOf(KAFKA_PORTS.length)));
            kafka.add(spawn(name, command, Map.of(), KAFKA_PORTS[i]));
        }
        kafkaBootstrap = String.join(",", brokers);
        for (int port : KAFKA_PORTS) {
            awaitListening(port);
        }
        awaitCluster(kafkaBootstrap, KAFKA_PORTS.length);
        progress("kafka", kafkaBootstrap + " (3 nodes)", t0);
    }

    private void awaitCluster(String bootstrap, int nodes) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            while (true) {
                checkAlive(kafka);
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= nodes) {
                        return;
                    }
                } catch (Exception notYet) {
                    // brokers still starting
                }
                if (System.nanoTime() > deadline || closed) {
                    throw new StoreStartException("the Kafka cluster did not form within " + READY_TIMEOUT.toSeconds()
                            + " s (see " + logs() + "/kafka-N.log)");
                }
                sleep(250);
            }
        }
    }

    private void awaitListening(int port) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            checkAlive(kafka);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("localhost", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || closed) {
                    throw new StoreStartException("nothing listens on port " + port + " (see " + logs() + "/kafka-N.log)");
                }
                sleep(100);
            }
        }
    }

    // ---- the platform and the applications

    private void startPlatform() {
        long t0 = System.nanoTime();
        Part config = spawnApp("config-server", jar("config-server"), CONFIG_PORT,
                Map.of("EVENTSHOP_CONFIG_DIR", options.root().resolve("config").toString()), false);
        Part discovery = spawnApp("discovery", jar("discovery"), DISCOVERY_PORT, Map.of(), false);
        platform.add(config);
        platform.add(discovery);
        awaitReady(List.of(config, discovery));
        progress("platform", "config :" + CONFIG_PORT + ", eureka :" + DISCOVERY_PORT, t0);
    }

    private void startServices() {
        long t0 = System.nanoTime();
        for (ServiceApp app : Topology.services()) {
            Path jar = jar(jarModule(app.name()));
            Map<String, String> env = new LinkedHashMap<>();
            if (app.name().equals(AppArguments.ACCOUNTS)) {
                env.put("EVENTSHOP_ADMIN_PASSWORD", secrets.adminPassword());
                env.put(Secrets.MASTER_KEY_ENV, secrets.masterKey());
            }
            services.add(spawnApp(app.name(), jar, app.defaultPort(), env, true));
            if (TWICE.contains(app.name())) {
                services.add(spawnApp(app.name() + "-2", jar, app.defaultPort() + SECOND_INSTANCE_OFFSET, env, true));
            }
        }
        awaitReady(services);
        progress("services", services.size() + " instances", t0);
    }

    private void startEdge() {
        long t0 = System.nanoTime();
        ServiceApp app = Topology.edge();
        edge = spawnApp("edge", jar("edge"), app.defaultPort(), Map.of(), true);
        awaitReady(List.of(edge));
        awaitRoutes();
        progress("edge", edgeUrl().toString(), t0);
    }

    /**
     * Waits until edge reaches every service through discovery: ready, edge may still not know an instance of each
     * from the registry (it fetches it every few seconds), and answers 503 for the services it does not know yet.
     * Each service's OpenAPI description through edge ({@code /api/docs/<service>}) is the probe; web's is its home page.
     */
    private void awaitRoutes() {
        Map<String, String> probes = new LinkedHashMap<>();
        for (ServiceApp service : Topology.services()) {
            if (!List.of("functions", "web").contains(service.name())) { // the two without an API of their own
                probes.put(service.name(), "/api/docs/" + service.name());
            }
        }
        probes.put("web", "/");
        probes.forEach((service, path) -> new Readiness(http).await("edge's route to " + service, edgeUrl(), path,
                READY_TIMEOUT, () -> closed || !edge.process().isAlive()));
    }

    private Part spawnApp(String name, Path jar, int port, Map<String, String> extraEnv, boolean client) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SERVER_PORT", String.valueOf(port));
        if (client) {
            env.put("SPRING_PROFILES_ACTIVE", "distributed");
            env.put("SPRING_CONFIG_IMPORT", "configserver:http://localhost:" + CONFIG_PORT);
            env.put("EVENTSHOP_POSTGRES_URL", postgresUrl);
            env.put("EVENTSHOP_POSTGRES_USER", postgresUser());
            env.put("EVENTSHOP_POSTGRES_PASSWORD", postgresPassword());
            env.put("EVENTSHOP_KAFKA_BOOTSTRAP", kafkaBootstrap);
            env.put("EVENTSHOP_KAFKA_REPLICATION_FACTOR", String.valueOf(replicationFactor));
            env.put("EVENTSHOP_EUREKA_URL", "http://localhost:" + DISCOVERY_PORT + "/eureka/");
            env.put("EVENTSHOP_TOKEN_SECRET", secrets.tokenSecret());
            env.put("EVENTSHOP_PREVIOUS_TOKEN_SECRETS", secrets.previousTokenSecrets());
        }
        env.putAll(extraEnv);
        if (client) {
            env.putAll(options.appEnv());
        }
        List<String> command = java("-Xmx384m");
        command.addAll(List.of("-jar", jar.toString()));
        return spawn(name, command, env, port);
    }

    private List<String> java(String heap) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", heap,
                "-XX:+ExitOnOutOfMemoryError"));
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        if (Runtime.version().feature() >= 25) {
            command.add("-XX:+UseCompactObjectHeaders");
        }
        if (options.javaOptions() != null && !options.javaOptions().isBlank()) {
            command.addAll(List.of(options.javaOptions().trim().split("\\s+")));
        }
        return command;
    }

    /**
     * The command in a session of its own ({@code setsid}, where there is one): Ctrl-C in a terminal signals the whole
     * foreground process group, and every part would stop at once, applications after the brokers and the database
     * they still use; only the launcher gets it then, and stops them in order. ({@code setsid} execs the command in the
     * same process, as the child is never a group leader, so the part's pid stays the process's.)
     */
    static List<String> ownSession(List<String> command) {
        if (!Files.isExecutable(SETSID)) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of(SETSID.toString()));
        wrapped.addAll(command);
        return wrapped;
    }

    private Part spawn(String name, List<String> command, Map<String, String> env, int port) {
        if (closed) {
            throw new StoreStartException("the store was stopped while it was starting");
        }
        Path log = logs().resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(ownSession(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .directory(options.dataDir().toFile());
        builder.environment().putAll(env);
        try {
            Part part = new Part(name, builder.start(), port, log);
            Files.writeString(processesFile(), part.process().pid() + " " + name + System.lineSeparator(),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            return part;
        } catch (IOException e) {
            throw new StoreStartException("could not start " + name + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady(List<Part> parts) {
        List<CompletableFuture<Void>> waits = parts.stream().map(part -> CompletableFuture.runAsync(() -> {
            new Readiness(http).await(part.name(), URI.create("http://localhost:" + part.port()), Readiness.PATH,
                    READY_TIMEOUT, () -> closed || !part.process().isAlive());
            if (!part.process().isAlive()) {
                throw new StoreStartException(part.name() + " exited with status " + part.process().exitValue()
                        + " (see " + part.log() + ")");
            }
        })).toList();
        for (int i = 0; i < parts.size(); i++) {
            try {
                waits.get(i).join();
            } catch (java.util.concurrent.CompletionException e) {
                Part part = parts.get(i);
                String why = part.process().isAlive() ? StoreRuntime.rootMessage(e.getCause())
                        : "it exited with status " + part.process().exitValue();
                throw new StoreStartException(part.name() + " did not get ready: " + why + " (see " + part.log() + ")",
                        e.getCause());
            }
        }
    }

    private static void checkAlive(List<Part> parts) {
        for (Part part : parts) {
            if (!part.process().isAlive()) {
                throw new StoreStartException(part.name() + " exited with status " + part.process().exitValue()
                        + " (see " + part.log() + ")");
            }
        }
    }

    /** The executable jar of a module: {@code <module dir>/target/<artifact>-<version>-exec.jar}. */
    private Path jar(String module) {
        Path target = options.root().resolve(module).resolve("target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(file -> file.getFileName().toString().endsWith("-exec.jar")).findFirst()
                    .orElseThrow(() -> new StoreStartException("no executable jar in " + target
                            + ": build it with ./mvnw -Dmaven.test.skip=true package -pl launcher,config-server,discovery -am"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String jarModule(String app) {
        return switch (app) {
            case "functions", "web", "edge" -> app;
            default -> "services/" + app;
        };
    }

    private static List<String> applications() {
        List<String> names = new ArrayList<>(Topology.services().stream().map(ServiceApp::name).toList());
        names.add(Topology.edge().name());
        return names;
    }

    // ---- faults (the tests')

    /** Kills a part with SIGKILL ({@code orders-2}, {@code kafka-2}), as a crash would; it is not restarted. */
    void kill(String name) throws InterruptedException {
        part(name).process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** The port a part listens on ({@code orders-2}: 8185, {@code kafka-1}: 9092). */
    int port(String name) {
        return part(name).port();
    }

    private Part part(String name) {
        return parts().stream().filter(candidate -> candidate.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no part named " + name));
    }

    /** The Kafka bootstrap servers the applications were given. */
    String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    /** A connection to the database the applications use, as the user they were given. */
    Connection connectToDatabase() throws SQLException {
        return DriverManager.getConnection(postgresUrl, postgresUser(), postgresPassword());
    }

    /** Stops PostgreSQL (a fast shutdown: open connections are cut) and starts it again over the same data. */
    void restartPostgres() throws IOException {
        if (postgres == null) {
            throw new IllegalStateException("PostgreSQL is not the store's own (--with-existing)");
        }
        postgres.close();
        postgres = postgresServer();
    }

    // ---- stopping

    /** Stops what a killed launcher left running on this data directory (their ids are in {@code DATA/processes}). */
    private void stopLeftovers() throws IOException {
        Path file = processesFile();
        if (Files.exists(file)) {
            List<ProcessHandle> left = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.trim().split(" ", 2);
                if (fields.length == 2) {
                    ProcessHandle.of(Long.parseLong(fields[0]))
                            .filter(handle -> handle.info().command().orElse("").contains("java"))
                            .ifPresent(left::add);
                }
            }
            if (!left.isEmpty()) {
                out.println("  stopping " + left.size() + " processes a previous run left behind");
                left.forEach(ProcessHandle::destroy);
                for (ProcessHandle handle : left) {
                    try {
                        handle.onExit().get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        handle.destroyForcibly();
                    }
                }
            }
            Files.delete(file);
        }
        postmasterPid().flatMap(ProcessHandle::of).ifPresent(handle -> {
            out.println("  stopping the PostgreSQL server a previous run left behind");
            handle.destroy();
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (edge != null) {
            stop(List.of(edge));
        }
        stop(services);
        stop(platform);
        stop(kafka);
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                out.println("  PostgreSQL did not stop cleanly: " + e.getMessage());
            }
        }
        try {
            Files.deleteIfExists(processesFile());
        } catch (IOException ignored) {
            // the next start finds no live process under these ids
        }
        if (dataDirectory != null) {
            dataDirectory.close();
        }
    }

    /** SIGTERM to every part at once, then up to 30 s for each to exit (a graceful stop), then SIGKILL. */
    private static void stop(List<Part> parts) {
        parts.forEach(part -> part.process().destroy());
        for (Part part : parts) {
            try {
                if (!part.process().waitFor(30, TimeUnit.SECONDS)) {
                    part.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                part.process().destroyForcibly();
            }
        }
    }

    private Path logs() {
        return options.dataDir().resolve("logs");
    }

    private Path processesFile() {
        return options.dataDir().resolve("processes");
    }

    private void progress(String what, String where, long startedNanos) {
        out.printf("  %-10s %-40s %5.1f s%n", what, where, (System.nanoTime() - startedNanos) / 1e9);
    }

    /** A setting the user gives the store: in the applications' environment ({@link Options#appEnv}) or the store's. */
    private String setting(String name, String fallback) {
        String value = options.appEnv().get(name);
        return value == null || value.isBlank() ? env(name, fallback) : value;
    }

    /**
     * The replication factor for an existing cluster: {@code EVENTSHOP_KAFKA_REPLICATION_FACTOR} if the user set it,
     * else three or the number of its brokers if fewer (a developer's single broker works as it is).
     */
    private int existingReplicationFactor() {
        String given = setting("EVENTSHOP_KAFKA_REPLICATION_FACTOR", null);
        if (given != null) {
            try {
                return Integer.parseInt(given.trim());
            } catch (NumberFormatException e) {
                throw new StoreStartException("EVENTSHOP_KAFKA_REPLICATION_FACTOR is not a number: " + given, e);
            }
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            return Math.min(KAFKA_PORTS.length, brokers);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreStartException("interrupted while asking Kafka at " + kafkaBootstrap + " for its brokers", e);
        } catch (Exception e) {
            throw new StoreStartException("could not reach Kafka at " + kafkaBootstrap + ": "
                    + StoreRuntime.rootMessage(e), e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreStartException("interrupted while starting");
        }
    }
}
