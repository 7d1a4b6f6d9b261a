package eventshop.eventsourcing.relay;

import eventshop.eventsourcing.kafka.RelayTestApp;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.kafka.broker.InProcessKafka;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Measures the relay on the in-process broker (not a test: run it by hand, see
 * docs/relay-and-consumers.md). For each setting: catch-up throughput (N events stored while the
 * relay is stopped, then the time from start until the broker acknowledged the last one), and
 * live latency (one event appended at a time, time until the relay's position reaches it).
 */
public final class RelayThroughput {

    private RelayThroughput() {
    }

    /** Arguments: events for catch-up, live probes, and one setting (default "async"). */
    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int probes = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        String setting = args.length > 2 ? args[2] : "async";
        String binding = "spring.cloud.stream.kafka.bindings.eventshopRelay-out-0.producer.";
        try (InProcessKafka kafka = InProcessKafka.start()) {
            kafka.createTopics(3, RelayTestApp.TOPIC);
            switch (setting) {
                case "async" -> run(kafka, "async, window 1000 (default)", events, probes);
                case "async-linger1" -> run(kafka, "async, window 1000, linger.ms=1", events, probes,
                        binding + "configuration.linger.ms=1");
                case "window1" -> run(kafka, "async, window 1", events, probes, "eventshop.relay.max-in-flight=1");
                case "sync" -> run(kafka, "binder sync=true", events, probes, binding + "sync=true");
                default -> throw new IllegalArgumentException("settings: async, async-linger1, window1, sync");
            }
        }
    }

    private static void run(InProcessKafka kafka, String name, int events, int probes, String... extra) {
        List<String> properties = new ArrayList<>(List.of("spring.cloud.stream.function.autodetect=false",
                "spring.cloud.function.definition="));
        properties.addAll(List.of(extra));
        try (ConfigurableApplicationContext context = RelayTestApp.start(kafka, "throughput-" + System.nanoTime(),
                properties.toArray(String[]::new))) {
            EventStore store = context.getBean(EventStore.class);
            LogRelay relay = context.getBean(LogRelay.class);
            // warm up: binding creation, producer id, metadata
            append(store, 1_000);
            awaitPosition(relay, store.headPosition());

            relay.stop();
            append(store, events);
            long target = store.headPosition();
            long start = System.nanoTime();
            relay.start();
            awaitPosition(relay, target);
            double seconds = (System.nanoTime() - start) / 1e9;

            long[] latencies = new long[probes];
            for (int i = 0; i < probes; i++) {
                long begin = System.nanoTime();
                append(store, 1);
                awaitPosition(relay, store.headPosition());
                latencies[i] = System.nanoTime() - begin;
            }
            Arrays.sort(latencies);
            System.out.printf("RESULT %-40s catch-up %,d events in %.2f s = %,.0f events/s; live append->ack p50 %.2f ms,"
                            + " p99 %.2f ms%n", name, events, seconds, events / seconds,
                    latencies[probes / 2] / 1e6, latencies[(int) (probes * 0.99)] / 1e6);
        }
    }

    private static void append(EventStore store, int count) {
        byte[] data = ("{\"sku\":\"SKU-24642\",\"quantity\":2,\"note\":\"" + "x".repeat(200) + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Metadata metadata = new Metadata("c", "c", "u", Instant.EPOCH, 1, Map.of("traceparent",
                RelayTestApp.TRACEPARENT));
        for (int i = 0; i < count; i++) {
            store.append("stream-" + (i % 64), ExpectedVersion.any(),
                    List.of(new EventData(UUID.randomUUID(), "Measured", data, metadata)));
        }
    }

    private static void awaitPosition(LogRelay relay, long position) {
        while (relay.position() < position) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
        }
    }
}
