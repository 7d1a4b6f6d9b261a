package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.kafka.broker.InProcessKafka;
import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./store up --distributed --with-existing KAFKA,POSTGRES_URL}: the store on servers the user runs, here a
 * single Kafka broker and a PostgreSQL server of the test's own, with a database and a user that are not the store's
 * defaults. The store starts neither; every application uses them (a checkout is delivered; its events are in the
 * user's database and on the user's broker, whose single broker got topics of one replica).
 */
class DistributedWithExistingServersTest {

    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final String ADMIN_PASSWORD = "existing-servers-admin-" + UUID.randomUUID();
    private static final String USER = "shopkeeper";
    private static final String PASSWORD = "shopkeeper-" + UUID.randomUUID();

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private Path dataDir;
    private EmbeddedPostgres postgres;
    private InProcessKafka kafka;
    private String url;

    @BeforeEach
    void theUsersServers() throws Exception {
        dataDir = Files.createTempDirectory("eventshop-existing");
        postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            statement.execute("CREATE DATABASE shop OWNER " + USER);
        }
        url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/shop";
        kafka = InProcessKafka.start();
    }

    @AfterEach
    void stopThem() throws IOException {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void theStore_runsOnTheUsersBrokerAndDatabase_andStartsNeither() throws Exception {
        DistributedStore store = new DistributedStore(options(url, Map.of("EVENTSHOP_POSTGRES_USER", USER,
                "EVENTSHOP_POSTGRES_PASSWORD", PASSWORD)), new PrintStream(output, true));
        try {
            try {
                store.start();
            } catch (RuntimeException e) {
                throw new AssertionError("the store did not start: " + e.getMessage() + "\n" + output, e);
            }
            assertThat(store.parts()).extracting(DistributedStore.Part::name).noneMatch(name -> name.startsWith("kafka"));
            assertThat(dataDir.resolve("postgres")).doesNotExist();
            assertThat(dataDir.resolve("kafka")).doesNotExist();

            EdgeClient edge = new EdgeClient(HttpClient.newHttpClient(), store.edgeUrl());
            PublicShop shop = new PublicShop(edge, edge.login(DemoData.ADMIN_EMAIL, ADMIN_PASSWORD), PATIENCE);
            String sku = shop.product(1_200, 2);
            PublicShop.Customer ada = shop.customer(PublicShop.APPROVES);
            String orderId = shop.checkOut(ada, sku, 1);
            assertThat(shop.awaitTerminal(ada, orderId).get("status").asString()).isEqualTo("DELIVERED");

            // the order's events are in the user's database, as the user's role wrote them
            try (Connection connection = postgres.getDatabase(USER, "shop").getConnection();
                 PreparedStatement query = connection.prepareStatement(
                         "SELECT count(*) FROM orders_events.events WHERE stream_id LIKE ?")) {
                query.setString(1, "%" + orderId);
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    assertThat(rows.getLong(1)).as("events of order %s in the user's database", orderId).isPositive();
                }
            }
            // ... and on the user's broker, whose one broker got topics of one replica each
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()))) {
                TopicDescription orders = admin.describeTopics(List.of("orders.events")).allTopicNames().get()
                        .get("orders.events");
                assertThat(orders.partitions()).hasSize(4)
                        .allSatisfy(partition -> assertThat(partition.replicas()).hasSize(1));
            }
        } finally {
            store.close();
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            assertThat(connection.isValid(5)).as("the user's PostgreSQL, after the store stopped").isTrue();
        }
        assertThat(kafka.isRunning()).as("the user's broker, after the store stopped").isTrue();
    }

    @Test
    void aDatabaseTheStoreCannotReach_failsTheStart_beforeAnyApplicationStarts() {
        String nowhere = "jdbc:postgresql://localhost:" + InProcessKafka.freePort() + "/shop";
        DistributedStore store = new DistributedStore(options(nowhere, Map.of()), new PrintStream(output, true));
        assertThatThrownBy(store::start).isInstanceOf(StoreStartException.class)
                .hasMessageContaining("could not reach PostgreSQL at " + nowhere);
        assertThat(store.parts()).isEmpty();
        store.close();
    }

    private DistributedStore.Options options(String databaseUrl, Map<String, String> env) {
        Path root = Path.of("..").toAbsolutePath().normalize();
        return new DistributedStore.Options(root, dataDir, true, false, ADMIN_PASSWORD, kafka.bootstrapServers(),
                databaseUrl, null, env);
    }
}
