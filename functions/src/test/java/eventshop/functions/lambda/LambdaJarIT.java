package eventshop.functions.lambda;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The deployable jar ({@code functions-<version>-aws.jar}) on its own: loaded in a class loader that
 * sees nothing else (no test classpath), its handler {@code FunctionInvoker} found through the jar's
 * manifest as AWS would, and invoked with the same synthetic MSK and API Gateway events.
 */
class LambdaJarIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static URLClassLoader jar;
    private static ClassLoader previous;

    @BeforeAll
    static void load() throws Exception {
        Path file = Path.of(System.getProperty("lambda.jar", "target/functions-0.1.0-SNAPSHOT-aws.jar"));
        assertThat(file).exists();
        try (JarFile archive = new JarFile(file.toFile())) {
            assertThat(archive.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(LambdaApplication.class.getName());
            // none of the Kafka-bound app's machinery
            assertThat(archive.getEntry("org/springframework/cloud/stream/binder/Binder.class")).isNull();
            assertThat(archive.getEntry("org/apache/kafka/clients/producer/KafkaProducer.class")).isNull();
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
    }

    private static JsonNode invoke(Object invoker, String event) throws Exception {
        Class<?> context = jar.loadClass("com.amazonaws.services.lambda.runtime.Context");
        Method handle = invoker.getClass().getMethod("handleRequest", InputStream.class, OutputStream.class, context);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handle.invoke(invoker, new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private static Object invoker(String definition) throws Exception {
        return jar.loadClass("org.springframework.cloud.function.adapter.aws.FunctionInvoker")
                .getConstructor(String.class).newInstance(definition);
    }

    @Test
    void theJar_handlesAnMskBatch() throws Exception {
        JsonNode commands = invoke(invoker("kafkaEvents"), LambdaHandlerTest.mskBatch()).get("commands");

        assertThat(commands).hasSize(3);
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
