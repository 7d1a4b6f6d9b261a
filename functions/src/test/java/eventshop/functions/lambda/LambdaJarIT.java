package eventshop.functions.lambda;

import static eventshop.eventsourcing.testing.TopicProbe.header;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Topics;
import eventshop.eventsourcing.testing.OverKafka;
import eventshop.functions.handling.DerivedIds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The deployable jar ({@code functions-<version>-aws.jar}) on its own: loaded in a class loader that
 * sees nothing else (no test classpath), its handler {@code FunctionInvoker} found through the jar's
 * manifest as AWS would, and invoked with the same synthetic MSK and API Gateway events; what it derives from the
 * MSK batch is published to an in-process broker (over TCP: the broker is the test's, the producer the jar's).
 */
class LambdaJarIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static OverKafka kafka;
    private static URLClassLoader jar;
    private static ClassLoader previous;

    @BeforeAll
    static void load() throws Exception {
        kafka = OverKafka.start(Topics.ACCOUNTS_EVENTS, Topics.ACCOUNTS_COMMANDS, Topics.ORDERS_EVENTS,
                Topics.INVENTORY_EVENTS);
        Path file = Path.of(System.getProperty("lambda.jar", "target/functions-0.1.0-SNAPSHOT-aws.jar"));
        assertThat(file).exists();
        try (JarFile archive = new JarFile(file.toFile())) {
            assertThat(archive.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(LambdaApplication.class.getName());
            // none of the Kafka-bound app's machinery
            assertThat(archive.getEntry("org/springframework/cloud/stream/binder/Binder.class")).isNull();
            // but the producer that publishes what the functions derive (LambdaProducer)
            assertThat(archive.getEntry("org/apache/kafka/clients/producer/KafkaProducer.class")).isNotNull();
            assertThat(archive.getEntry("eventshop/eventstore/EventStore.class")).isNull();
            assertThat(archive.getEntry("functions.yml")).isNull();
        }
        assertThat(Files.size(file)).isLessThan(40L * 1024 * 1024);
        jar = new URLClassLoader(new URL[] {file.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(jar);
    }

    @AfterAll
    static void close() throws Exception {
        Thread.currentThread().setContextClassLoader(previous);
        if (jar != null) {
            jar.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static JsonNode invoke(Object invoker, String event) throws Exception {
        Class<?> context = jar.loadClass("com.amazonaws.services.lambda.runtime.Context");
        Method handle = invoker.getClass().getMethod("handleRequest", InputStream.class, OutputStream.class, context);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handle.invoke(invoker, new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    /** What is on accounts.commands, read by the test's Kafka client (which loads its classes from the test's loader). */
    private static List<ConsumerRecord<String, byte[]>> commandsOnTheBroker() {
        Thread.currentThread().setContextClassLoader(previous);
        try {
            return kafka.probe().readToEnd(Topics.ACCOUNTS_COMMANDS);
        } finally {
            Thread.currentThread().setContextClassLoader(jar);
        }
    }

    private static Object invoker(String definition) throws Exception {
        return jar.loadClass("org.springframework.cloud.function.adapter.aws.FunctionInvoker")
                .getConstructor(String.class).newInstance(definition);
    }

    @Test
    void theJar_handlesAnMskBatch_andPublishesItsCommands() throws Exception {
        JsonNode commands = invoke(invoker("kafkaEvents"), LambdaHandlerTest.mskBatch(kafka.bootstrapServers()))
                .get("commands");

        assertThat(commands).hasSize(3);
        assertThat(commandsOnTheBroker()).extracting(record -> header(record, "event-id"))
                .contains(DerivedIds.of("accountLifecycle", LambdaHandlerTest.REGISTERED).toString());
        assertThat(commands.get(0).get("headers").get("event-id").asString())
                .isEqualTo(DerivedIds.of("accountLifecycle", LambdaHandlerTest.REGISTERED).toString());
        assertThat(commands.get(1).get("function").asString()).isEqualTo("orderNotices");
        assertThat(commands.get(2).get("headers").get("event-type").asString()).isEqualTo("NotifyAdmins");
    }

    @Test
    void theJar_handlesAnApiGatewayRequest() throws Exception {
        JsonNode response = invoke(invoker("apiGateway"), LambdaEvents.apiGatewayPost("/functions/accountLifecycle",
                Map.of("event-id", LambdaHandlerTest.REGISTERED, "event-type", "AccountConfirmed"),
                "{\"accountId\":\"acc-3\"}"));

        assertThat(response.get("statusCode").asInt()).isEqualTo(200);
        assertThat(response.get("body").asString()).isEqualTo("{\"accountId\":\"acc-3\"}");
        assertThat(response.get("headers").get("event-type").asString()).isEqualTo("ActivateAccount");
    }
}
