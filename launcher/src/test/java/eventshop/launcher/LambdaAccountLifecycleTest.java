package eventshop.launcher;

import static eventshop.eventsourcing.testing.TopicProbe.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import eventshop.contracts.Topics;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventsourcing.testing.TopicProbe;
import eventshop.functions.handling.DerivedIds;
import eventshop.functions.lambda.KafkaEvents;
import eventshop.functions.lambda.LambdaApplication;
import eventshop.functions.lambda.LambdaOutput;
import eventshop.functions.lambda.MskEvent;
import eventshop.launcher.client.EdgeClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The account lifecycle with the functions deployed as an AWS Lambda instead of the functions app: in the shared
 * store, the functions app's {@code accountLifecycle} binding is stopped (what {@code
 * spring.cloud.stream.bindings.accountLifecycle-in-0.consumer.auto-startup=false} or not running the app does), and
 * the Lambda handler ({@link LambdaApplication}'s {@code kafkaEvents}, as the adapter invokes it) is driven with MSK
 * events made of the records accounts published on the store's broker. The confirmation code reaches the mailbox and
 * the confirmed account becomes ACTIVE only through what the Lambda publishes.
 *
 * <p>Not through the adapter's {@code FunctionInvoker} (functions' {@code LambdaHandlerTest} is): its
 * auto-configuration would join every service context of the shared store's classpath. At the end the binding starts
 * again and reads the same two events: it sends the same two commands with the same ids, which accounts applies no
 * second time (one message in the mailbox).
 */
class LambdaAccountLifecycleTest {

    private static final String BINDING = "accountLifecycle-in-0";

    /** The MSK event the trigger would make of {@code records} (base64 key and value, headers as byte arrays). */
    private static MskEvent msk(List<ConsumerRecord<String, byte[]>> records, String bootstrapServers) {
        Map<String, List<MskEvent.Record>> grouped = new LinkedHashMap<>();
        Base64.Encoder base64 = Base64.getEncoder();
        for (ConsumerRecord<String, byte[]> record : records) {
            List<Map<String, byte[]>> headers = new ArrayList<>();
            for (Header header : record.headers()) {
                headers.add(Map.of(header.key(), header.value()));
            }
            grouped.computeIfAbsent(record.topic() + "-" + record.partition(), group -> new ArrayList<>())
                    .add(new MskEvent.Record(record.topic(), record.partition(), record.offset(), record.timestamp(),
                            record.timestampType().name(),
                            base64.encodeToString(record.key().getBytes(StandardCharsets.UTF_8)),
                            base64.encodeToString(record.value()), headers));
        }
        return new MskEvent("aws:kafka", "arn:aws:kafka:eu-west-1:123456789012:cluster/eventshop/test-1",
                bootstrapServers, grouped);
    }

    @Test
    void aCustomer_confirmsAndIsActivated_withTheAccountLifecycleRunAsALambda() {
        SharedStore shop = SharedStore.get();
        String bootstrap = "localhost:" + shop.store.config().kafkaPort();
        BindingsLifecycleController bindings = shop.store.context("functions").getBean(BindingsLifecycleController.class);
        bindings.stop(BINDING);
        try (ConfigurableApplicationContext lambda = new SpringApplicationBuilder(LambdaApplication.class)
                .web(WebApplicationType.NONE).run("--spring.main.banner-mode=off");
             TopicProbe probe = new TopicProbe(bootstrap)) {
            @SuppressWarnings("unchecked")
            Function<MskEvent, LambdaOutput> handler = lambda.getBean(KafkaEvents.NAME, Function.class);

            // given a customer who registered
            String email = "lambda-" + UUID.randomUUID() + "@example.com";
            EdgeClient.Response registered = shop.edge.post("/api/accounts",
                    Map.of("email", email, "name", "Lara Lambda", "password", "lara-password-1"), null);
            assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
            String accountId = registered.body().get("accountId").asString();
            String session = shop.session(new EdgeUser(accountId, email, Set.of(EdgeToken.CUSTOMER)));

            // when the Lambda gets accounts' AccountRegistered, the confirmation code is in the mailbox
            ConsumerRecord<String, byte[]> registration = event(probe, accountId, "AccountRegistered");
            LambdaOutput delivered = handler.apply(msk(List.of(registration), bootstrap));
            assertThat(delivered.commands()).extracting(LambdaOutput.Command::topic).containsExactly(Topics.ACCOUNTS_COMMANDS);
            JsonNode inbox = await().atMost(SharedStore.PATIENCE).until(() -> messages(shop, session),
                    messages -> messages.size() > 0);
            assertThat(inbox).hasSize(1);
            assertThat(inbox.get(0).get("kind").asString()).isEqualTo("CONFIRMATION");
            String code = inbox.get(0).get("code").asString();

            // and the customer confirms: accounts publishes AccountConfirmed, and the account stays PENDING (the API
            // shows a confirmed account so) while the Lambda has not run: nothing else activates it
            EdgeClient.Response confirmed = shop.edge.post("/api/accounts/me/confirm", Map.of("code", code), session);
            assertThat(confirmed.is2xx()).as(confirmed.toString()).isTrue();
            ConsumerRecord<String, byte[]> confirmation = event(probe, accountId, "AccountConfirmed");
            assertThat(status(shop, session)).isEqualTo("PENDING");
            LambdaOutput activated = handler.apply(msk(List.of(confirmation), bootstrap));

            // then ActivateAccount is on accounts.commands, with the id derived from AccountConfirmed's, and the
            // account is ACTIVE
            String commandId = DerivedIds.of("accountLifecycle", header(confirmation, "event-id")).toString();
            assertThat(activated.commands()).extracting(command -> command.headers().get("event-id"))
                    .containsExactly(commandId);
            assertThat(probe.readToEnd(Topics.ACCOUNTS_COMMANDS)).filteredOn(TopicProbe.keyed(accountId))
                    .extracting(record -> header(record, "event-type"), record -> header(record, "causation-id"))
                    .contains(tuple("ActivateAccount", header(confirmation, "event-id")));
            await().atMost(SharedStore.PATIENCE).until(() -> status(shop, session), "ACTIVE"::equals);

            // when the functions app's binding runs again, it reads the same two events and sends the same two
            // commands, with the same ids
            bindings.start(BINDING);
            List<ConsumerRecord<String, byte[]>> commands = probe.await(Topics.ACCOUNTS_COMMANDS, 4,
                    TopicProbe.keyed(accountId), SharedStore.PATIENCE);
            assertThat(commands).extracting(record -> header(record, "event-id")).containsExactly(
                    header(commands.get(0), "event-id"), commandId, header(commands.get(0), "event-id"), commandId);

            // then, once accounts has read them all, it has applied each once: one message, still ACTIVE
            ConsumerRecord<String, byte[]> last = commands.getLast();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                await().atMost(SharedStore.PATIENCE).until(() -> committed(admin, "accounts",
                        new TopicPartition(last.topic(), last.partition())), offset -> offset > last.offset());
            }
            assertThat(messages(shop, session)).hasSize(1);
            assertThat(status(shop, session)).isEqualTo("ACTIVE");
        } finally {
            bindings.start(BINDING);
        }
    }

    /** The one event of {@code type} accounts published for the account, read back from accounts.events. */
    private static ConsumerRecord<String, byte[]> event(TopicProbe probe, String accountId, String type) {
        return probe.await(Topics.ACCOUNTS_EVENTS, 1, record -> ("account-" + accountId).equals(record.key())
                && type.equals(header(record, "event-type")), SharedStore.PATIENCE).getFirst();
    }

    /** The offset consumer group {@code group} has committed on {@code partition}, -1 if none. */
    private static long committed(Admin admin, String group, TopicPartition partition) throws Exception {
        OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .get(partition);
        return offset == null ? -1 : offset.offset();
    }

    private static JsonNode messages(SharedStore shop, String session) {
        EdgeClient.Response inbox = shop.edge.get("/api/accounts/me/messages", session);
        return inbox.status() == 200 && inbox.body().isArray() ? inbox.body() : JsonNodeFactory.instance.arrayNode();
    }

    private static String status(SharedStore shop, String session) {
        EdgeClient.Response me = shop.edge.get("/api/accounts/me", session);
        return me.status() == 200 ? me.body().get("status").asString() : null;
    }
}
