package eventshop.launcher;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the launcher tells each application: its port, its data under the data directory, the broker,
 * the secrets, where the others answer. Given as command-line arguments, which rank above the
 * application's own config file (that file holds the defaults for running it alone); the store's extra
 * properties ({@link StoreConfig#properties()}) come last and win.
 *
 * <p>Least exposure: every application but edge listens on the loopback address only ({@value #SERVER_ADDRESS}
 * = {@link #LOOPBACK}); edge, the store's one door, listens on every interface.
 */
final class AppArguments {

    /** The service that owns the admin account and is told its password. */
    static final String ACCOUNTS = "accounts";
    static final String SERVER_ADDRESS = "server.address";
    /** Where the services, web, the functions and the views listen: {@code 127.0.0.1} (what {@link PortCheck} binds too). */
    static final String LOOPBACK = InetAddress.getLoopbackAddress().getHostAddress();

    private AppArguments() {
    }

    static List<String> of(StoreConfig config, Secrets secrets, ServiceApp app) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("server.port", String.valueOf(config.port(app)));
        props.put("spring.main.banner-mode", "off");
        props.put("spring.main.log-startup-info", "false");
        props.put("spring.jmx.enabled", "false");
        props.put("management.endpoint.health.probes.enabled", "true");
        props.put("eventshop.security.token-secret", secrets.tokenSecret());
        if (!secrets.previousTokenSecrets().isEmpty()) {
            props.put("eventshop.security.previous-token-secrets", secrets.previousTokenSecrets());
        }
        switch (app.kind()) {
            case SERVICE -> {
                // only edge answers other hosts: the others are reached through it, and by each other over the loopback
                props.put(SERVER_ADDRESS, LOOPBACK);
                Path dir = config.dataDir().resolve(app.name());
                String brokers = "localhost:" + config.kafkaPort();
                props.put("spring.kafka.bootstrap-servers", brokers);
                props.put("spring.cloud.stream.kafka.binder.brokers", brokers);
                // after a kill -9 the broker keeps the dead consumers in their groups until their
                // session times out, and the restarted ones get no partitions until then: 10 s,
                // not Kafka's 45 s, before a restarted store consumes again (DESIGN §9)
                props.put("spring.cloud.stream.kafka.binder.consumer-properties.session.timeout.ms", "10000");
                props.put("spring.cloud.stream.kafka.binder.consumer-properties.heartbeat.interval.ms", "3000");
                // where its log lives, should it keep one; the engine is the application's own choice
                // (the file engine unless its config says otherwise: the functions keep none)
                props.put("eventshop.eventstore.directory", dir.resolve("eventstore").toString());
                // H2's default write delay: commits are written to the file in the background (a chunk
                // written per commit cost a tenth of the store's CPU under load, docs/benchmarks.md), so
                // kill -9 loses the last few hundred ms of commits, in order. Projections read that tail
                // again (their checkpoint commits with their data); Kafka consumers resume from the
                // offsets kept in the same database (ConsumerOffsets), so a lost effect is applied again.
                props.put("spring.datasource.url", "jdbc:h2:file:" + dir.resolve("readmodel") + ";DB_CLOSE_ON_EXIT=FALSE");
                // where the other services answer, for the synchronous calls between them (ServiceCalls)
                for (ServiceApp other : config.services()) {
                    props.put("eventshop.services." + other.name() + ".url", config.url(other).toString());
                }
                // and edge, whose circuit breakers the operations console shows (web asks /internal/ops/breakers)
                props.put("eventshop.services.edge.url", config.url(config.edge()).toString());
                if (app.name().equals(ACCOUNTS)) {
                    props.put("eventshop.accounts.admin.password", secrets.adminPassword());
                    // the key that wraps the customers' keys (docs/privacy.md): only accounts, which owns them, gets it
                    props.put("eventshop.privacy.master-key", secrets.masterKey());
                }
            }
            case EDGE -> {
                for (ServiceApp service : config.services()) {
                    props.put("eventshop.edge.services." + service.name(), config.url(service).toString());
                }
                // its sessions' database, and accounts.events for the sessions of suspended accounts
                props.put("spring.datasource.url", "jdbc:h2:file:" + config.dataDir().resolve(app.name())
                        .resolve("sessions") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
                props.put("spring.kafka.bootstrap-servers", "localhost:" + config.kafkaPort());
                // its accounts.events consumer (plain Spring Kafka, not the binder): the same 10 s sessions as
                // the services' consumers, so that after a kill -9 the dead member leaves group "edge" after 10 s,
                // not Kafka's 45 s (a stop soon after such a restart can still wait up to 30 s as this consumer
                // closes: docs/running.md)
                props.put("spring.kafka.consumer.properties.session.timeout.ms", "10000");
                props.put("spring.kafka.consumer.properties.heartbeat.interval.ms", "3000");
                // ready only once the launcher says the store is (StoreRuntime#storeReady)
                props.put("eventshop.edge.await-store-ready", "true");
            }
        }
        props.putAll(config.properties());
        return props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
    }
}
