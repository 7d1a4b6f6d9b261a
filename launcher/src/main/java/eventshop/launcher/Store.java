package eventshop.launcher;

import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import eventshop.launcher.load.CheckoutLoad;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./store}: the command line of the embedded store.
 *
 * <pre>
 * store up [--fresh] [--data DIR] [--no-demo] [--port NAME=PORT]... [--kafka-port N] [--controller-port N]
 * store load [--rate N] [--seconds N] [--customers N] [--sku SKU] [--url URL] [--data DIR]
 * store replay views [--url URL] [--data DIR]
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
              load    checkouts at a fixed rate against the running store (through edge's API);
                      prints the time from checkout accepted to order CONFIRMED (p50/p90/p99)
              replay views
                      rebuild every view of the views service from the beginning of the topics
                      into fresh tables while the old ones keep serving, then switch; waits and
                      prints the progress (options --url and --data as for load)
              help    show this text
              train   start and stop a throw-away store on free ports (the ./store script runs
                      it once with -XX:AOTCacheOutput, so that later starts are faster)

            options of up:
              --fresh               delete the data directory first (start from an empty store)
              --data DIR            the data directory (default: ./data of the repository,
                                    or $EVENTSHOP_DATA)
              --no-demo             do not load the demo data at the first start
              --port NAME=PORT      HTTP port of one application (edge 8080, accounts 8081,
                                    catalog 8082, inventory 8083, carts 8084, orders 8085,
                                    payments 8086, views 8087, functions 8088, web 8089)
              --kafka-port N        the broker's port (9092, or $EVENTSHOP_KAFKA_PORT)
              --controller-port N   the broker's KRaft controller port (9093,
                                    or $EVENTSHOP_KAFKA_CONTROLLER_PORT)

            options of load:
              --rate N              checkouts per second (default 20)
              --seconds N           how long (default 60)
              --customers N         customers that take turns (default 20)
              --sku SKU             what they buy (default SKU-24642; the admin receives the stock)
              --url URL             edge (default http://localhost:8080)
              --data DIR            the running store's data directory, for the admin password
                                    (or $EVENTSHOP_ADMIN_PASSWORD)

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
                case "up" -> up(parse(rest), out, err);
                case "train" -> train(out, err);
                case "load" -> load(rest, out, err);
                case "replay" -> replay(rest, out, err);
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
        int customers = 20;
        String sku = "SKU-24642";
        Path data = parse(new ArrayDeque<>()).dataDir();
        while (!args.isEmpty()) {
            String arg = args.pop();
            switch (arg) {
                case "--url" -> url = URI.create(value(arg, args));
                case "--rate" -> rate = positive(arg, value(arg, args));
                case "--seconds" -> seconds = (int) positive(arg, value(arg, args));
                case "--customers" -> customers = (int) positive(arg, value(arg, args));
                case "--sku" -> sku = value(arg, args);
                case "--data" -> data = Path.of(value(arg, args));
                default -> throw new UsageException("unknown option of load: " + arg);
            }
        }
        try {
            return new CheckoutLoad(new CheckoutLoad.Settings(url, Secrets.adminPasswordOf(data), rate,
                    java.time.Duration.ofSeconds(seconds), customers, sku), out).run();
        } catch (RuntimeException e) {
            err.println("store load: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
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

    private static double positive(String option, String value) {
        try {
            double number = Double.parseDouble(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(option + ": not a positive number: " + value);
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

    private static int waitForever() {
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
