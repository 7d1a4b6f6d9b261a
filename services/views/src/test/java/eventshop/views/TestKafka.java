package eventshop.views;

import eventshop.contracts.Topics;
import eventshop.kafka.broker.InProcessKafka;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * The one in-process broker of the module's tests (started on first use, closed when the JVM ends),
 * with the six event topics at three partitions each, and how test contexts of the views reach it.
 */
public final class TestKafka {

    public static final List<String> TOPICS = List.of(Topics.ACCOUNTS_EVENTS, Topics.CATALOG_EVENTS,
            Topics.INVENTORY_EVENTS, Topics.ORDERS_EVENTS, Topics.PAYMENTS_EVENTS, Topics.CARTS_EVENTS);
    public static final String SECRET = "ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=";
    private static InProcessKafka kafka;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (kafka == null) {
            kafka = InProcessKafka.start();
            kafka.createTopics(3, TOPICS.toArray(String[]::new));
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
        }
        return kafka.bootstrapServers();
    }

    /** The sum of the topics' end offsets now: what a caught-up replica has read. */
    public static long endOffsets() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
            admin.describeTopics(TOPICS).allTopicNames().get().forEach((topic, description) ->
                    description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()),
                            OffsetSpec.latest())));
            return admin.listOffsets(request).all().get().values().stream().mapToLong(info -> info.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Another views context (a replica) on its own H2 database {@code database}. */
    public static ConfigurableApplicationContext replica(String database) {
        return ViewsApplication.builder().run(Stream.of(
                "spring.datasource.url=jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1",
                "spring.cloud.stream.kafka.binder.brokers=" + bootstrapServers(),
                "server.port=0",
                "eventshop.security.token-secret=" + SECRET,
                "eventshop.projections.drop-after=200ms",
                "logging.level.org.apache.kafka=WARN", "logging.level.kafka=WARN",
                "logging.level.state.change.logger=WARN").map(setting -> "--" + setting).toArray(String[]::new));
    }

    /** Points a {@code @SpringBootTest} context at the broker. */
    public static final class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test-kafka",
                    Map.of("spring.cloud.stream.kafka.binder.brokers", bootstrapServers())));
        }
    }

}
