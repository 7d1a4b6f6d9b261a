package eventshop.functions.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The Lambda's producer settings from the environment, and what a send that fails does to the producer. */
class LambdaProducerTest {

    private static LambdaProducer fromEnvironment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        sources.addLast(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                variables));
        return new KafkaEvents().lambdaProducer(environment);
    }

    private static List<ProducerRecord<byte[], byte[]>> records(int count) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new ProducerRecord<>("accounts.commands", 0, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    "{}".getBytes(StandardCharsets.UTF_8)));
        }
        return records;
    }

    private static MockProducer<byte[], byte[]> mock(boolean acknowledging) {
        return new MockProducer<>(acknowledging, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Test
    void everyEventshopKafkaVariable_isAProducerProperty_overTheDefaults_butIdempotenceAndAcksAreFixed() {
        LambdaProducer producer = fromEnvironment(Map.of(
                "EVENTSHOP_KAFKA_BOOTSTRAP_SERVERS", "b-1.msk.example:9098,b-2.msk.example:9098",
                "EVENTSHOP_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "EVENTSHOP_KAFKA_SASL_MECHANISM", "AWS_MSK_IAM",
                "EVENTSHOP_KAFKA_SASL_JAAS_CONFIG", "software.amazon.msk.auth.iam.IAMLoginModule required;",
                "EVENTSHOP_KAFKA_MAX_BLOCK_MS", "4000",
                "EVENTSHOP_KAFKA_ACKS", "1",
                "EVENTSHOP_KAFKA_ENABLE_IDEMPOTENCE", "false",
                "OTHER_KAFKA_SETTING", "ignored"));

        Map<String, Object> properties = producer.properties("b-9.other.example:9092");

        assertThat(properties).containsEntry("bootstrap.servers", "b-1.msk.example:9098,b-2.msk.example:9098")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "AWS_MSK_IAM")
                .containsEntry("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;")
                .containsEntry("max.block.ms", "4000")
                .containsEntry("delivery.timeout.ms", "30000")
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true")
                .containsEntry("value.serializer", ByteArraySerializer.class.getName())
                .doesNotContainKey("other.kafka.setting");
    }

    @Test
    void withoutBootstrapServers_itPublishesToTheClusterTheBatchCameFrom_andWithoutEitherItRefuses() {
        LambdaProducer producer = fromEnvironment(Map.of());

        assertThat(producer.properties("b-1.msk.example:9092")).containsEntry("bootstrap.servers", "b-1.msk.example:9092");
        assertThatThrownBy(() -> producer.properties(null)).hasMessageContaining("EVENTSHOP_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void nothingToSend_opensNoProducer() {
        List<MockProducer<byte[], byte[]>> opened = new ArrayList<>();
        LambdaProducer producer = new LambdaProducer(Map.of(), properties -> {
            MockProducer<byte[], byte[]> mock = mock(true);
            opened.add(mock);
            return mock;
        });

        producer.publish(List.of(), null);

        assertThat(opened).isEmpty();
        assertThat(producer.isOpen()).isFalse();
    }

    @Test
    void aPublish_returnsOnceEveryRecordIsAcknowledged_andKeepsTheProducerForTheNextInvocation() {
        List<MockProducer<byte[], byte[]>> opened = new ArrayList<>();
        LambdaProducer producer = new LambdaProducer(Map.of(), properties -> {
            MockProducer<byte[], byte[]> mock = mock(true); // acknowledges every send at once
            opened.add(mock);
            return mock;
        });

        producer.publish(records(3), "b-1.msk.example:9092");
        producer.publish(records(2), "b-1.msk.example:9092");

        assertThat(opened).hasSize(1);
        assertThat(opened.getFirst().history()).hasSize(5);
        producer.close();
        assertThat(opened.getFirst().closed()).isTrue();
    }

    @Test
    void aSendThatFails_failsThePublish_andDiscardsTheProducer_soTheNextInvocationOpensANewOne() {
        List<MockProducer<byte[], byte[]>> opened = new ArrayList<>();
        LambdaProducer producer = new LambdaProducer(Map.of(), properties -> {
            MockProducer<byte[], byte[]> mock = mock(false);
            opened.add(mock);
            mock.sendException = new TimeoutException("Topic accounts.commands not present in metadata after 1000 ms.");
            return mock;
        });

        assertThatThrownBy(() -> producer.publish(records(3), "b-1.msk.example:9092"))
                .isInstanceOf(LambdaProducer.PublishFailed.class).hasRootCauseInstanceOf(TimeoutException.class);
        assertThat(producer.isOpen()).isFalse();
        assertThat(opened.getFirst().closed()).isTrue();
        // the first failure stops the batch: the records after it are not sent (each would wait max.block.ms)
        assertThat(opened.getFirst().history()).isEmpty();

        assertThatThrownBy(() -> producer.publish(records(1), "b-1.msk.example:9092"))
                .isInstanceOf(LambdaProducer.PublishFailed.class);
        assertThat(opened).hasSize(2);
    }
}
