package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.file.Durability;
import eventshop.eventstore.file.FileEventStore;
import eventshop.eventstore.file.FileEventStoreOptions;
import eventshop.kafka.broker.InProcessKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Times {@code GET /api/ops/<service>/correlations/<id>} (not a test: run it by hand). A file-engine log of
 * {@code N} events (100,000 by default, about 250 bytes each, in streams of 10) whose records the relay would have
 * sent to a one-partition topic of the in-process broker, written as the relay writes them (key, source and source
 * position headers). The events are dated as if they had come at {@value #RATE} a second (the store's target
 * load), ending now, and each record {@value #RELAY_MILLIS} ms after its event, as the relay would have sent it:
 * the Kafka search starts from the records' times, so how far back a second of clock slack reaches depends on the
 * rate the log grew at, not on how fast this harness writes it. Two correlations:
 * {@code recent}, the log's last 10 events (a checkout that just happened), and {@code spread-42}, 10 events spread
 * evenly over the whole log (the worst case for the Kafka search: it reads from the first one's offset on).
 * For each, five runs of the log scan alone ({@link OpsLog#correlated}) and of the whole answer
 * ({@link OpsLogController#correlation}: the scan, masking, and one Kafka search).
 *
 * <pre>
 * ./mvnw -q -o -pl eventsourcing -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt \
 *        -Dmdep.includeScope=test
 * cd eventsourcing && java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) \
 *      eventshop.eventsourcing.ops.OpsCorrelationTiming 100000 2&gt;&amp;1 | grep -E 'events|ms'
 * </pre>
 */
public final class OpsCorrelationTiming {

    private static final String SERVICE = "timing";
    private static final String TOPIC = "timing.events";
    private static final int BATCH = 1_000;
    private static final int RUNS = 5;
    private static final int RATE = 100;
    private static final int RELAY_MILLIS = 3;

    private OpsCorrelationTiming() {
    }

    public static void main(String[] args) throws IOException {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = Files.createTempDirectory("eventshop-ops-timing-");
        try (InProcessKafka kafka = InProcessKafka.start()) {
            kafka.createTopics(1, TOPIC);
            fill(dir, events, kafka.bootstrapServers());
            try (FileEventStore store = FileEventStore.open(dir.resolve("log"))) {
                OpsLog log = new OpsLog(SERVICE, store, new PersonalData(), new OpsAudit(SERVICE, store,
                        new CommandContexts(null, UUID::randomUUID), Clock.systemUTC()));
                OpsKafkaRecords records = new OpsKafkaRecords(SERVICE,
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        event -> Optional.of(TOPIC));
                OpsLogController controller = new OpsLogController(SERVICE, log, null, records);
                System.out.printf("%,d events, head %d, %s%n", events, store.headPosition(),
                        Runtime.version());
                for (String correlation : List.of("recent", "spread-42")) {
                    time("log scan   " + correlation, () -> log.correlated(correlation).size());
                    time("whole      " + correlation, () -> {
                        OpsLogController.Correlation answer = controller.correlation(correlation);
                        long found = answer.events().stream().filter(relayed -> relayed.record() != null).count();
                        if (found != answer.events().size()) {
                            throw new IllegalStateException(found + " of " + answer.events().size()
                                    + " records found: " + answer.events().getFirst().recordError());
                        }
                        return answer.events().size();
                    });
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private interface Run {
        int events();
    }

    private static void time(String name, Run run) {
        List<Long> millis = new ArrayList<>();
        int found = 0;
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            found = run.events();
            millis.add((System.nanoTime() - start) / 1_000_000);
        }
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.printf("%-24s %2d events  runs %s ms  median %d ms%n", name, found, millis, sorted.get(RUNS / 2));
    }

    /** The log, and the relay's records of it, a batch at a time. */
    private static void fill(Path dir, int events, String bootstrap) {
        try (FileEventStore store = FileEventStore.open(dir.resolve("log"),
                FileEventStoreOptions.defaults().withDurability(Durability.NONE));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5,
                     ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            Instant first = Instant.now().minusMillis(1_000L * events / RATE);
            for (int from = 0; from < events; from += BATCH) {
                List<CompletableFuture<?>> appends = new ArrayList<>();
                for (int i = from; i < Math.min(events, from + BATCH); i++) {
                    String correlation = i >= events - 10 ? "recent" : "spread-" + i % Math.max(1, events / 10);
                    byte[] data = ("{\"orderId\":\"order-" + i / 10 + "\",\"email\":\"customer" + i
                            + "@example.com\",\"lines\":[{\"sku\":\"SKU-24642\",\"name\":\"Teapot\",\"quantity\":2,"
                            + "\"unitPriceCents\":1250}],\"totalCents\":2650,\"note\":\"" + "x".repeat(60) + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    appends.add(store.appendAsync("order-" + i / 10, ExpectedVersion.any(),
                            List.of(new EventData(UUID.randomUUID(), "OrderChanged", data,
                                    new Metadata(correlation, "cause", "user", first.plusMillis(1_000L * i / RATE), 1,
                                            Map.of())))));
                }
                CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).join();
                for (RecordedEvent event : store.readAll(from, BATCH).toIterable()) {
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, null,
                            event.metadata().timestamp().toEpochMilli() + RELAY_MILLIS, EventHeaders.key(event),
                            event.data());
                    EventHeaders.of(event, SERVICE).forEach((name, value) ->
                            record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
                    producer.send(record);
                }
                producer.flush();
            }
        }
    }
}
