package eventshop.launcher;

import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import eventshop.launcher.load.CheckoutLoad;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./store}: the command line of the embedded store.
 *
 * <pre>
 * store up [--fresh] [--data DIR] [--no-demo] [--port NAME=PORT]... [--kafka-port N] [--controller-port N]
 * store up --distributed [--fresh] [--data DIR] [--no-demo] [--with-existing KAFKA_BOOTSTRAP,POSTGRES_URL]
 * store load [--rate N] [--seconds N] [--customers N] [--sku SKU] [--url URL] [--data DIR] [--kafka HOST:PORT]
 *            [--pid N] [--out DIR] [--profile] [--deadline S] [--probe-ms N] [--late-ms N]
 * store replay views [--url URL] [--data DIR]
 * store check [--url URL] [--data DIR] [--kafka HOST:PORT] [--wait S] [--accepted FILE]...
 * store token [--data DIR] [--hours N]
 * store rotate-key [--data DIR] [--overlap DURATION]
 * store help
 * </pre>
 */
public final class Store {

    static final String USAGE = """
            usage: store <command> [options]

            commands:
              up      start the whole store in this terminal: a Kafka broker, accounts, catalog,
                      inventory, carts, orders, payments, views, functions and web (the
                      storefront), each as its own Spring context on its own port, and
                      edge in front: the shop at http://localhost:8080. Ctrl-C stops it.
              load    an open-loop load of checkouts against the running store (through edge's
                      API): one starts every 1/rate s whether earlier ones have finished or not;
                      outcomes come from one subscription to orders.events, visibility in the
                      views from one probe at a time. Prints and writes (report.json, chart.png)
                      accepted/refused, outcomes, accepted -> CONFIRMED and -> visible in the
                      views (p50/p90/p99/max), late starts, orders without an outcome, and the
                      store process's CPU ms per checkout and resident memory
              replay views
                      rebuild every view of the views service from the beginning of the topics
                      into fresh tables while the old ones keep serving, then switch; waits and
                      prints the progress (options --url and --data as for load)
              check   check the invariants of the running store (docs/reliability.md, "Crash
                      loops"): every accepted order settles, no payment is captured twice, each
                      sku's stock adds up, every log is on its topics by event id, the views
                      equal a fresh rebuild; one verdict each, exit status 1 on a violation.
                      Options --url, --data and --kafka as for load; --wait S, how long orders
                      may take to settle and relays to catch up (default 60); --accepted FILE,
                      the order ids a client was answered 202 for (a load's accepted-orders.txt)
              token   print a token the services take, with the admin role, signed with the store's
                      token secret: what a Prometheus scraper sends to the services' /actuator/prometheus
                      (Authorization: Bearer; every actuator endpoint but health is the admin's only).
                      Options --data (the secret is DIR/secrets/token-secret, or $EVENTSHOP_TOKEN_SECRET)
                      and --hours N, how long it is good for (default 24, at most 8760)
              rotate-key
                      a new key for the tokens edge signs (DATA/secrets/token-secret); the old
                      one still verifies for the overlap, so tokens signed with it stay good
                      until they expire (DATA/secrets/previous-token-secrets). Takes effect
                      when the store (re)starts (docs/operations.md, "Rotating the token key")
              help    show this text
              train   start and stop a throw-away store on free ports (the ./store script runs
                      it once with -XX:AOTCacheOutput, so that later starts are faster)

            options of up:
              --fresh               delete the data directory first (start from an empty store)
              --data DIR            the data directory (default: ./data of the repository,
                                    or $EVENTSHOP_DATA)
              --no-demo             do not load the demo data at the first start
              --distributed         the distributed topology instead, every part a process: PostgreSQL, three
                                    Kafka nodes, the Config Server (config/), Eureka, carts and orders twice,
                                    the other applications once, edge on :8080 through discovery; logs in
                                    DATA/logs (docs/running.md, "Distributed"). With it only --fresh, --data,
                                    --no-demo and:
              --with-existing KAFKA_BOOTSTRAP,POSTGRES_URL
                                    use a Kafka cluster and/or a PostgreSQL database already running (either
                                    part may be empty; or $EVENTSHOP_KAFKA_BOOTSTRAP, $EVENTSHOP_POSTGRES_URL
                                    with $EVENTSHOP_POSTGRES_USER and $EVENTSHOP_POSTGRES_PASSWORD)
              --port NAME=PORT      HTTP port of one application (edge 8080, accounts 8081,
                                    catalog 8082, inventory 8083, carts 8084, orders 8085,
                                    payments 8086, views 8087, functions 8088, web 8089)
              --kafka-port N        the broker's port (9092, or $EVENTSHOP_KAFKA_PORT)
              --controller-port N   the broker's KRaft controller port (9093,
                                    or $EVENTSHOP_KAFKA_CONTROLLER_PORT)

            options of load:
              --rate N              checkouts per second (default 20; up to 10000)
              --seconds N           how long checkouts start, whole seconds (default 60)
              --customers N         customers that take turns, registered before the run
                                    (default 4 s worth of checkouts, at least 20)
              --sku SKU             what they buy (default SKU-24642; the admin receives the stock)
              --url URL             edge (default http://localhost:8080)
              --data DIR            the running store's data directory: the admin password
                                    (or $EVENTSHOP_ADMIN_PASSWORD) and the store's pid (DIR/.lock)
              --kafka HOST:PORT     the store's broker (default localhost:9092,
                                    or $EVENTSHOP_KAFKA_PORT)
              --pid N               the store's process id (default: the one DIR/.lock names)
              --out DIR             where report.json, chart.png and store.jfr go
                                    (default target/load/<date-time>)
              --profile             record a JFR profile of the store during the run (jcmd)
              --deadline S          seconds after its acceptance an order may take to settle
                                    (default 60); later it counts as without an outcome
              --probe-ms N          least time between two probes of the views (default 50)
              --late-ms N           a start later than this after its slot counts as late
                                    (default 10)

            options of rotate-key:
              --data DIR            the store's data directory (as for up)
              --overlap DURATION    how long the old key still verifies: 8h (default: a session's
                                    lifetime), 30m, 90s; 0 drops every old key at once (a leaked key)

            environment:
              EVENTSHOP_ADMIN_PASSWORD   the password of admin@example.com; without it one is
                                         generated at the first start into DATA/secrets/admin-password
            """;

    private Store() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the exit status ({@code up} returns only if the start fails). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Deque<String> rest = new ArrayDeque<>(List.of(args));
        String command = rest.isEmpty() ? "help" : rest.pop();
        try {
            return switch (command) {
                case "up" -> rest.contains("--distributed") ? upDistributed(rest, out, err) : up(parse(rest), out, err);
                case "train" -> train(out, err);
                case "load" -> load(rest, out, err);
                case "replay" -> replay(rest, out, err);
                case "check" -> check(rest, out, err);
                case "token" -> token(rest, out, err);
                case "rotate-key" -> rotateKey(rest, out);
                case "help", "--help", "-h" -> {
                    out.print(USAGE);
                    yield 0;
                }
                default -> throw new UsageException("unknown command: " + command);
            };
        } catch (UsageException e) {
            err.println("store: " + e.getMessage());
            err.println("run `store help` for the commands and options");
            return 2;
        }
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** Reads the options of {@code up} (and the environment) into a configuration. */
    static StoreConfig parse(Deque<String> args) {
        String data = System.getenv("EVENTSHOP_DATA");
        if (data == null || data.isBlank()) {
            String root = System.getenv("EVENTSHOP_ROOT");
            data = root == null || root.isBlank() ? "data" : Path.of(root, "data").toString();
        }
        StoreConfig config = StoreConfig.standard(Path.of(data))
                .withAdminPasswordFromEnv(System.getenv(Secrets.ADMIN_PASSWORD_ENV))
                .withKafkaPorts(envPort("EVENTSHOP_KAFKA_PORT", StoreConfig.KAFKA_PORT),
                        envPort("EVENTSHOP_KAFKA_CONTROLLER_PORT", StoreConfig.CONTROLLER_PORT));
        Path dataDir = null;
        while (!args.isEmpty()) {
            String arg = args.pop();
            switch (arg) {
                case "--fresh" -> config = config.withFresh(true);
                case "--no-demo" -> config = config.withDemoData(false);
                case "--data" -> dataDir = Path.of(value(arg, args));
                case "--kafka-port" -> config = config.withKafkaPorts(port(arg, value(arg, args)), config.controllerPort());
                case "--controller-port" -> config = config.withKafkaPorts(config.kafkaPort(), port(arg, value(arg, args)));
                case "--port" -> {
                    String spec = value(arg, args);
                    int eq = spec.indexOf('=');
                    String name = eq < 0 ? "" : spec.substring(0, eq);
                    if (config.apps().stream().noneMatch(app -> app.name().equals(name))) {
                        throw new UsageException("--port wants NAME=PORT with NAME one of "
                                + config.apps().stream().map(ServiceApp::name).toList() + ", not " + spec);
                    }
                    config = config.withPort(name, port(arg, spec.substring(eq + 1)));
                }
                default -> throw new UsageException("unknown option: " + arg);
            }
        }
        if (dataDir != null) {
            config = new StoreConfig(dataDir, config.fresh(), config.kafkaPort(), config.controllerPort(),
                    config.ports(), config.demoData(), config.adminPasswordFromEnv(), config.services(), config.edge(),
                    config.properties());
        }
        return config;
    }

    private static int load(Deque<String> args, PrintStream out, PrintStream err) {
        URI url = URI.create("http://localhost:8080");
        double rate = 20;
        int seconds = 60;
        Integer customers = null;
        String sku = "SKU-24642";
        Path data = parse(new ArrayDeque<>()).dataDir();
        String kafka = "localhost:" + envPort("EVENTSHOP_KAFKA_PORT", 9092);
        Long pid = null;
        Path outDir = null;
        boolean profile = false;
        java.time.Duration deadline = CheckoutLoad.Settings.DEADLINE;
        java.time.Duration probeInterval = CheckoutLoad.Settings.PROBE_INTERVAL;
        java.time.Duration lateTolerance = CheckoutLoad.Settings.LATE_TOLERANCE;
        while (!args.isEmpty()) {
            String arg = args.pop();
            switch (arg) {
                case "--url" -> url = url(arg, value(arg, args));
                case "--rate" -> rate = positive(arg, value(arg, args), 10_000);
                case "--seconds" -> seconds = (int) whole(arg, value(arg, args), 1, 86_400);
                case "--customers" -> customers = (int) whole(arg, value(arg, args), 1, 100_000);
                case "--sku" -> sku = value(arg, args);
                case "--data" -> data = Path.of(value(arg, args));
                case "--kafka" -> kafka = hostPort(arg, value(arg, args));
                case "--pid" -> pid = whole(arg, value(arg, args), 1, Long.MAX_VALUE);
                case "--out" -> outDir = Path.of(value(arg, args));
                case "--profile" -> profile = true;
                case "--deadline" -> deadline = java.time.Duration.ofSeconds(whole(arg, value(arg, args), 1, 3_600));
                case "--probe-ms" -> probeInterval = java.time.Duration.ofMillis(whole(arg, value(arg, args), 1, 60_000));
                case "--late-ms" -> lateTolerance = java.time.Duration.ofMillis(whole(arg, value(arg, args), 0, 60_000));
                default -> throw new UsageException("unknown option of load: " + arg);
            }
        }
        if (Math.round(rate * seconds) < 1) {
            throw new UsageException("--rate " + rate + " for --seconds " + seconds + " schedules no checkout");
        }
        if (pid == null) {
            Path dir = data;
            pid = DataDirectory.runningPid(dir).orElseThrow(() -> new UsageException(
                    "no store is running on " + dir + " (its .lock names no live process): give --data DIR or --pid N"));
        }
        if (outDir == null) {
            outDir = Path.of("target", "load", java.time.LocalDateTime.now().withNano(0).toString().replace(':', '-'));
        }
        try {
            return new CheckoutLoad(new CheckoutLoad.Settings(url, Secrets.adminPasswordOf(data), rate,
                    java.time.Duration.ofSeconds(seconds), customers != null ? customers : defaultCustomers(rate), sku,
                    kafka, pid, outDir, profile, deadline, probeInterval, lateTolerance), out).run();
        } catch (RuntimeException e) {
            err.println("store load: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * Customers for a rate: a customer's cart takes one checkout at a time, so a start waits when all are
     * busy; at four seconds' worth of checkouts, they are all busy only if a checkout's two requests take
     * longer than that.
     */
    static int defaultCustomers(double rate) {
        return (int) Math.max(20, Math.ceil(4 * rate));
    }

    private static int replay(Deque<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !args.peek().equals("views")) {
            throw new UsageException("replay wants what to replay: views");
        }
        args.pop();
        URI url = URI.create("http://localhost:8080");
        Path data = parse(new ArrayDeque<>()).dataDir();
        while (!args.isEmpty()) {
            String arg = args.pop();
            switch (arg) {
                case "--url" -> url = URI.create(value(arg, args));
                case "--data" -> data = Path.of(value(arg, args));
                default -> throw new UsageException("unknown option of replay: " + arg);
            }
        }
        try {
            EdgeClient edge = new EdgeClient(HttpClient.newHttpClient(), url);
            String admin = edge.login(DemoData.ADMIN_EMAIL, Secrets.adminPasswordOf(data));
            EdgeClient.Response started = edge.post("/api/views/rebuild", null, admin);
            if (!started.is2xx()) {
                err.println("store replay: the views refused the rebuild: " + started);
                return 1;
            }
            int generation = started.body().path("rebuild").path("generation").asInt(-1);
            out.println("store replay: rebuilding the views as generation " + generation);
            long t0 = System.nanoTime();
            while (true) {
                Thread.sleep(500);
                EdgeClient.Response status = edge.get("/api/views/status", admin);
                JsonNode body = status.body();
                JsonNode rebuild = body.path("rebuild");
                if (rebuild.isMissingNode() || rebuild.isNull()) {
                    out.printf("store replay: done in %.1f s: generation %d serves, %d records%n",
                            (System.nanoTime() - t0) / 1e9, body.path("generation").asInt(), body.path("records").asLong());
                    return body.path("generation").asInt() == generation ? 0 : 1;
                }
                out.printf("store replay: %3.0f %% (%d of %d records)%n", rebuild.path("progress").asDouble() * 100,
                        rebuild.path("applied").asLong(), rebuild.path("target").asLong());
            }
        } catch (RuntimeException e) {
            err.println("store replay: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int check(Deque<String> args, PrintStream out, PrintStream err) {
        URI url = URI.create("http://localhost:8080");
        Path data = parse(new ArrayDeque<>()).dataDir();
        String kafka = "localhost:" + envPort("EVENTSHOP_KAFKA_PORT", 9092);
        java.time.Duration wait = java.time.Duration.ofSeconds(60);
        Set<String> accepted = new java.util.LinkedHashSet<>();
        while (!args.isEmpty()) {
            String arg = args.pop();
            switch (arg) {
                case "--url" -> url = url(arg, value(arg, args));
                case "--data" -> data = Path.of(value(arg, args));
                case "--kafka" -> kafka = hostPort(arg, value(arg, args));
                case "--wait" -> wait = java.time.Duration.ofSeconds(whole(arg, value(arg, args), 0, 3_600));
                case "--accepted" -> {
                    Path file = Path.of(value(arg, args));
                    try (Stream<String> lines = Files.lines(file)) {
                        lines.map(String::strip).filter(line -> !line.isEmpty()).forEach(accepted::add);
                    } catch (IOException e) {
                        throw new UsageException("cannot read --accepted " + file + ": " + e.getMessage());
                    }
                }
                default -> throw new UsageException("unknown option of check: " + arg);
            }
        }
        try {
            return StoreCheck.report(new StoreCheck(url, Secrets.adminPasswordOf(data), kafka, accepted, wait, out).run(),
                    out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            err.println("store check: could not check: " + e);
            return 2;
        }
    }

    /** The services token of {@code store token}: the admin role, signed with the store's token secret. */
    private static int token(Deque<String> args, PrintStream out, PrintStream err) {
        Path data = parse(new ArrayDeque<>()).dataDir();
        long hours = 24;
        while (!args.isEmpty()) {
            String arg = args.pop();
            switch (arg) {
                case "--data" -> data = Path.of(value(arg, args));
                case "--hours" -> hours = whole(arg, value(arg, args), 1, 8_760);
                default -> throw new UsageException("unknown option of token: " + arg);
            }
        }
        try {
            EdgeTokens tokens = EdgeTokens.fromBase64(Secrets.tokenSecretOf(data), Clock.systemUTC());
            out.println(tokens.mint(new EdgeUser(METRICS_READER, DemoData.ADMIN_EMAIL, Set.of(EdgeToken.ADMIN)),
                    EdgeToken.SERVICES_AUDIENCE, java.time.Duration.ofHours(hours)));
            return 0;
        } catch (RuntimeException e) {
            err.println("store token: " + e.getMessage());
            return 1;
        }
    }

    /** The subject of the tokens {@code store token} prints: no account, the operator's tools. */
    static final String METRICS_READER = "operator-tools";

    private static int rotateKey(Deque<String> args, PrintStream out) {
        Path data = parse(new ArrayDeque<>()).dataDir();
        java.time.Duration overlap = Secrets.DEFAULT_OVERLAP;
        while (!args.isEmpty()) {
            String arg = args.pop();
            switch (arg) {
                case "--data" -> data = Path.of(value(arg, args));
                case "--overlap" -> overlap = duration(arg, value(arg, args));
                default -> throw new UsageException("unknown option of rotate-key: " + arg);
            }
        }
        Secrets.Rotation rotation = Secrets.rotateKey(data.resolve("secrets"), overlap, java.time.Clock.systemUTC());
        out.println("store rotate-key: edge signs with the new key " + rotation.newKeyId() + " from the store's next start");
        rotation.previousKeyIds().forEach((id, until) ->
                out.println("  the old key " + id + " still verifies until " + until));
        if (rotation.previousKeyIds().isEmpty()) {
            out.println("  no old key verifies any more: every token signed before is refused from the next start");
        }
        java.util.OptionalLong running = DataDirectory.runningPid(data);
        if (running.isPresent()) {
            out.println("  the store running as pid " + running.getAsLong() + " keeps its keys until it restarts");
        }
        return 0;
    }

    /** A duration as {@code 8h}, {@code 30m}, {@code 90s} or {@code 0}. */
    static java.time.Duration duration(String option, String value) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d{1,6})([hms]?)").matcher(value.strip());
        if (matcher.matches() && (!matcher.group(2).isEmpty() || matcher.group(1).equals("0"))) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "h" -> java.time.Duration.ofHours(amount);
                case "m" -> java.time.Duration.ofMinutes(amount);
                default -> java.time.Duration.ofSeconds(amount);
            };
        }
        throw new UsageException(option + ": not a duration like 8h, 30m, 90s or 0: " + value);
    }

    private static double positive(String option, String value, double max) {
        try {
            double number = Double.parseDouble(value);
            if (number > 0 && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(option + ": not a number above 0 and at most " + (long) max + ": " + value);
    }

    private static long whole(String option, String value, long min, long max) {
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(option + ": not a whole number from " + min + " to " + max + ": " + value);
    }

    private static URI url(String option, String value) {
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // below
        }
        throw new UsageException(option + ": not an http(s) URL: " + value);
    }

    private static String hostPort(String option, String value) {
        int colon = value.lastIndexOf(':');
        if (colon > 0 && value.substring(0, colon).matches("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:]+]")) {
            port(option, value.substring(colon + 1));
            return value;
        }
        throw new UsageException(option + ": not HOST:PORT: " + value);
    }

    private static String value(String option, Deque<String> args) {
        if (args.isEmpty() || args.peek().startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args.pop();
    }

    private static int port(String option, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(option + ": not a port: " + value);
    }

    private static int envPort(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : port(name, value.strip());
    }

    private static int up(StoreConfig config, PrintStream out, PrintStream err) {
        out.println("eventshop: starting the store (data in " + config.dataDir() + ")");
        StoreRuntime runtime = new StoreRuntime(config, out);
        Thread hook = new Thread(() -> {
            out.println("eventshop: stopping the store");
            runtime.close();
            out.println("eventshop: stopped");
        }, "store-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            runtime.start();
        } catch (StoreStartException e) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C during the start: the hook is stopping the store already
            }
            err.println();
            err.println("eventshop: " + e.getMessage());
            if (e.getCause() != null) {
                err.println("  (the log above has the details)");
            }
            return 1;
        }
        printWelcome(runtime, out);
        return waitForever();
    }

    /**
     * A training run for the JVM's AOT cache: the whole store on free ports over a temporary data
     * directory, the demo data, a customer who browses and fills a cart, then a stop. Best effort:
     * the script goes on without a cache if it fails.
     */
    private static int train(PrintStream out, PrintStream err) {
        Path dir;
        try {
            dir = Files.createTempDirectory("eventshop-train-");
        } catch (IOException e) {
            err.println("store train: " + e);
            return 1;
        }
        StoreConfig config = StoreConfig.standard(dir).withKafkaPorts(FreePorts.next(), FreePorts.next());
        for (ServiceApp app : config.apps()) {
            config = config.withPort(app.name(), FreePorts.next());
        }
        try (StoreRuntime runtime = new StoreRuntime(config, out)) {
            runtime.start();
            EdgeClient edge = new EdgeClient(HttpClient.newHttpClient(), runtime.edgeUrl());
            DemoData.Customer alice = DemoData.CUSTOMERS.getFirst();
            String token = edge.login(alice.email(), alice.password());
            edge.get("/api/catalog/products?q=socks", token);
            edge.get("/api/accounts/me", token);
            for (int i = 0; i < 50 && !edge.post("/api/cart/items", Map.of("sku", "SKU-24642", "quantity", 1), token).is2xx(); i++) {
                Thread.sleep(100);
            }
            edge.get("/api/cart", token);
            edge.get("/api/cart/events", token);
            out.println("store train: the store started in " + runtime.startTime().toMillis() + " ms");
            return 0;
        } catch (RuntimeException e) {
            err.println("store train: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }

    private static void printWelcome(StoreRuntime runtime, PrintStream out) {
        StoreConfig config = runtime.config();
        Secrets secrets = runtime.secrets();
        String password = switch (secrets.adminPasswordSource()) {
            case GENERATED -> secrets.adminPassword() + "   (generated now, kept in " + secrets.adminPasswordFile() + ")";
            case STORED -> "see " + secrets.adminPasswordFile();
            case ENVIRONMENT -> "from $" + Secrets.ADMIN_PASSWORD_ENV;
        };
        StringBuilder services = new StringBuilder();
        for (ServiceApp app : config.services()) {
            services.append(app.name()).append(" :").append(config.port(app)).append("  ");
        }
        out.printf("""

                eventshop is ready in %.1f s
                  store      %s          API at %s/api
                  admin      %s / %s
                  customers  %s
                  services   %skafka localhost:%d
                  data       %s   (./store up --fresh starts empty)
                Ctrl-C stops the store.
                %n""",
                runtime.startTime().toMillis() / 1000.0, runtime.edgeUrl(), runtime.edgeUrl(),
                DemoData.ADMIN_EMAIL, password,
                config.demoData() ? String.join(", ", DemoData.CUSTOMERS.stream()
                        .map(c -> c.email() + " / " + c.password()).toList()) : "(no demo data)",
                services, config.kafkaPort(), config.dataDir());
    }

    /**
     * {@code up --distributed [--fresh] [--data DIR] [--no-demo] [--with-existing KAFKA,POSTGRES_URL]}: the
     * distributed topology as processes ({@link DistributedStore}); {@code EVENTSHOP_KAFKA_BOOTSTRAP} and
     * {@code EVENTSHOP_POSTGRES_URL} name existing servers too.
     */
    private static int upDistributed(Deque<String> args, PrintStream out, PrintStream err) {
        StoreConfig base = parse(new ArrayDeque<>());
        Path data = base.dataDir();
        boolean fresh = false;
        boolean demo = true;
        String kafka = blankToNull(System.getenv("EVENTSHOP_KAFKA_BOOTSTRAP"));
        String postgres = blankToNull(System.getenv("EVENTSHOP_POSTGRES_URL"));
        while (!args.isEmpty()) {
            String arg = args.pop();
            switch (arg) {
                case "--distributed" -> { }
                case "--fresh" -> fresh = true;
                case "--no-demo" -> demo = false;
                case "--data" -> data = Path.of(value(arg, args));
                case "--with-existing" -> {
                    String spec = value(arg, args);
                    int comma = spec.indexOf(',');
                    if (comma < 0) {
                        throw new UsageException("--with-existing wants KAFKA_BOOTSTRAP,POSTGRES_URL (either may be empty), not "
                                + spec);
                    }
                    kafka = blankToNull(spec.substring(0, comma));
                    postgres = blankToNull(spec.substring(comma + 1));
                    if (postgres != null && !postgres.startsWith("jdbc:postgresql://")) {
                        throw new UsageException("--with-existing: the PostgreSQL URL must be jdbc:postgresql://HOST:PORT/DB, not "
                                + postgres);
                    }
                }
                default -> throw new UsageException("unknown option with --distributed: " + arg);
            }
        }
        String root = System.getenv("EVENTSHOP_ROOT");
        DistributedStore.Options options = new DistributedStore.Options(
                Path.of(root == null || root.isBlank() ? "." : root).toAbsolutePath(), data.toAbsolutePath(), fresh, demo,
                base.adminPasswordFromEnv(), kafka, postgres, System.getenv("EVENTSHOP_APP_JAVA_OPTS"), Map.of());
        out.println("eventshop: starting the distributed store (data in " + options.dataDir() + ", logs in "
                + options.dataDir().resolve("logs") + ")");
        DistributedStore store = new DistributedStore(options, out);
        Thread hook = new Thread(() -> {
            out.println("eventshop: stopping the distributed store");
            store.close();
            out.println("eventshop: stopped");
        }, "store-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            store.start();
        } catch (StoreStartException e) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C during the start: the hook is stopping the store already
            }
            err.println();
            err.println("eventshop: " + e.getMessage());
            return 1;
        }
        out.printf("""

                eventshop (distributed) is ready in %.1f s
                  store      %s          API at %s/api
                  admin      %s / see %s
                  processes  %d (3 Kafka nodes, config :8888, eureka :8761, carts and orders twice), and PostgreSQL
                Ctrl-C stops the store.
                %n""", store.startTime().toMillis() / 1000.0, store.edgeUrl(), store.edgeUrl(), DemoData.ADMIN_EMAIL,
                options.dataDir().resolve("secrets"), store.pids().size() - 1);
        return waitForever();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static int waitForever() {
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
