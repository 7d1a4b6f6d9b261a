package eventshop.eventsourcing.testing;

import eventshop.kafka.broker.InProcessKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A service (or the functions app) run the way the launcher runs it, over an in-process broker
 * ({@link InProcessKafka}), for tests that drive it through its topics: {@link #start} starts the
 * broker with the topics, {@link #runService}/{@link #run} run the app's builder on it, and
 * {@link #probe()} sends to and reads the topics. {@link #close()} stops everything it started, the
 * apps first. Typically one per test class, in {@code @BeforeAll}/{@code @AfterAll}.
 *
 * <p>Settings are passed as command-line arguments: a builder's {@code properties(...)} are only
 * defaults, which the app's own yml overrides. Not thread-safe: one test class drives it.
 */
public final class OverKafka implements AutoCloseable {

    /** What every app run here is given: an ephemeral port, a test token secret, a quiet Kafka client. */
    private static final List<String> COMMON = List.of(
            "server.port=0",
            "eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=",
            "logging.level.org.apache.kafka=WARN",
            "logging.level.kafka=WARN",
            "logging.level.state.change.logger=WARN",
            "logging.level.org.springframework.kafka=WARN",
            "logging.level.org.springframework.cloud.stream=WARN",
            "logging.level.org.springframework.integration=WARN");

    private final InProcessKafka kafka;
    private final TopicProbe probe;
    private final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    private OverKafka(InProcessKafka kafka) {
        this.kafka = kafka;
        this.probe = new TopicProbe(kafka.bootstrapServers());
    }

    /** Starts a broker in a temporary directory and creates {@code topics}, one partition each. */
    public static OverKafka start(String... topics) {
        InProcessKafka kafka = InProcessKafka.start();
        try {
            kafka.createTopics(1, topics);
            return new OverKafka(kafka);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    /**
     * Runs a service that keeps a log: its event store in memory, its read models in a fresh H2
     * database of its own, on this broker, with {@code settings} ({@code name=value}) over its yml.
     */
    public ConfigurableApplicationContext runService(SpringApplicationBuilder service, String... settings) {
        List<String> all = new ArrayList<>(List.of("eventshop.eventstore.engine=memory",
                "spring.datasource.url=jdbc:h2:mem:over-kafka-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"));
        all.addAll(List.of(settings));
        return run(service, all.toArray(String[]::new));
    }

    /** Runs an app on this broker, as its yml configures it, with {@code settings} ({@code name=value}) over it. */
    public ConfigurableApplicationContext run(SpringApplicationBuilder app, String... settings) {
        String[] arguments = Stream.of(Stream.of("spring.cloud.stream.kafka.binder.brokers=" + bootstrapServers()),
                        COMMON.stream(), Stream.of(settings))
                .flatMap(setting -> setting).map(setting -> "--" + setting).toArray(String[]::new);
        ConfigurableApplicationContext context = app.run(arguments);
        apps.add(context);
        return context;
    }

    /** Sends to and reads this broker's topics. */
    public TopicProbe probe() {
        return probe;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Stops the broker (a controlled shutdown): the apps lose it until {@link #startBroker()}; the records stay. */
    public void stopBroker() {
        kafka.stopBroker();
    }

    /** Starts the broker again on the same port and log directory, with every record it had. */
    public void startBroker() {
        kafka.startBroker();
    }

    /** Closes the apps (last started first), the probe and the broker. */
    @Override
    public void close() {
        try {
            for (ConfigurableApplicationContext app : apps.reversed()) {
                app.close();
            }
            probe.close();
        } finally {
            kafka.close();
        }
    }
}
