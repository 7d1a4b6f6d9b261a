package eventshop.launcher;

import eventshop.contracts.EventEnvelope;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every service's log against what its relay put on the topics ({@code <service>.events} and the command topics), by
 * event id: the proof that no integration event was lost and none published that should have stayed private. The
 * logs come from PostgreSQL (the distributed topology: schema {@code <service>_events}, {@link #logs(Connection)}) or
 * from the running store's operations API over its file engines ({@link StoreCheck}, the embedded topology).
 *
 * <p>What a service keeps to itself is its relay's routes' business ({@code AccountsConfiguration}, {@code PrivateCards},
 * {@code OrderRoutes}, {@code eventshop.relay.private-types}); {@link #PRIVATE} restates it here as the published
 * contract (DESIGN §5), so that a route that starts dropping or leaking events fails this comparison.
 */
final class LogsAndTopics {

    /** An event of a service's log. */
    record Logged(String service, String eventId, String type, String streamId, long version) {
    }

    /** A record on a topic that a relay sent. */
    record Sent(String topic, int partition, long offset, String source, String eventId, String streamId,
                long version) {
    }

    /** The stream of the operators' audited actions, in every service's log; never published (docs/operations.md). */
    static final String AUDIT_STREAM = "ops-audit";

    /** Per service: which of its events stay in its log (never on a topic), besides {@link #AUDIT_STREAM}. */
    static final Map<String, Predicate<Logged>> PRIVATE = Map.of(
            // only the account streams are published: e-mail claims, credentials and mailboxes are private
            "accounts", event -> !event.streamId().startsWith("account-"),
            // saved cards stay in payments
            "payments", event -> event.streamId().startsWith("card-"),
            // the saga's own bookkeeping: the delivery timer and the end of a compensation
            "orders", event -> Set.of("DeliveryScheduled", "CompensationCompleted").contains(event.type()));

    /** What the comparison found: each list empty is the whole promise. */
    record Comparison(int logged, int sent, List<Logged> missing, List<Sent> leaked, List<Sent> unknown,
                      List<String> outOfOrder, Map<String, Integer> duplicates) {

        @Override
        public String toString() {
            return logged + " events logged, " + sent + " records sent; missing from the topics: " + head(missing)
                    + "; private but sent: " + head(leaked) + "; sent but in no log: " + head(unknown)
                    + "; out of stream order: " + head(outOfOrder) + "; sent more than once: " + duplicates.size();
        }

        private static String head(List<?> list) {
            return list.size() + (list.isEmpty() ? "" : " " + list.subList(0, Math.min(5, list.size())));
        }
    }

    private LogsAndTopics() {
    }

    /** Reads every service's log and every events and commands topic now, and compares them. */
    static Comparison compare(Connection database, String kafkaBootstrap) throws Exception {
        Map<String, List<Logged>> logs = logs(database);
        return compare(logs, sent(kafkaBootstrap, logs.keySet()));
    }

    /**
     * Every record on every events and commands topic now, sent by one of {@code services} (its source header), each
     * topic read from its beginning to its end as it was when the read began; fails if an end is not reached within
     * 30 seconds (never a silently shorter list).
     */
    static List<Sent> sent(String kafkaBootstrap, Set<String> services) throws Exception {
        List<Sent> sent = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap, ConsumerConfig.CLIENT_ID_CONFIG, "logs-and-topics",
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (String topic : new TreeMap<>(Map.copyOf(admin.listTopics().namesToListings().get())).keySet()) {
                if (topic.endsWith(".events") || topic.endsWith(".commands")) {
                    for (ConsumerRecord<byte[], byte[]> record : readToEnd(consumer, topic)) {
                        String source = header(record, EventEnvelope.SOURCE);
                        if (source != null && services.contains(source)) {
                            sent.add(new Sent(topic, record.partition(), record.offset(), source,
                                    header(record, EventEnvelope.EVENT_ID), header(record, EventEnvelope.STREAM_ID),
                                    Long.parseLong(header(record, EventEnvelope.STREAM_VERSION))));
                        }
                    }
                }
            }
        }
        return sent;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readToEnd(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, java.time.Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(java.time.Duration.ofMillis(200))) {
                if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    records.add(record);
                }
            }
        }
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < ends.get(partition)) {
                throw new IllegalStateException("read " + partition + " up to " + consumer.position(partition) + " of "
                        + ends.get(partition) + " within 30 s");
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Whether {@code event} stays in its service's log: the audit stream, or what {@link #PRIVATE} says. */
    static boolean isPrivate(Logged event) {
        return event.streamId().equals(AUDIT_STREAM) || PRIVATE.getOrDefault(event.service(), any -> false).test(event);
    }

    static Comparison compare(Map<String, List<Logged>> logs, List<Sent> sent) {
        Map<String, Logged> byId = new HashMap<>();
        logs.values().forEach(log -> log.forEach(event -> byId.put(event.eventId(), event)));
        Map<String, List<Sent>> copies = new LinkedHashMap<>();
        List<Sent> leaked = new ArrayList<>();
        List<Sent> unknown = new ArrayList<>();
        for (Sent record : sent) {
            Logged event = byId.get(record.eventId());
            if (event == null || !event.service().equals(record.source())) {
                unknown.add(record);
            } else if (isPrivate(event)) {
                leaked.add(record);
            } else {
                copies.computeIfAbsent(record.eventId(), id -> new ArrayList<>()).add(record);
            }
        }
        List<Logged> missing = new ArrayList<>();
        int logged = 0;
        for (List<Logged> log : logs.values()) {
            for (Logged event : log) {
                logged++;
                if (!isPrivate(event) && !copies.containsKey(event.eventId())) {
                    missing.add(event);
                }
            }
        }
        Map<String, Integer> duplicates = new TreeMap<>();
        copies.forEach((id, list) -> {
            if (list.size() > 1) {
                duplicates.put(id, list.size());
            }
        });
        return new Comparison(logged, sent.size(), missing, leaked, unknown, outOfOrder(sent, copies), duplicates);
    }

    /**
     * Streams whose events, taken at their first copy in each partition's order, are not in version order: a relay
     * that published a range twice out of order (a second copy after a newer event is at-least-once, not disorder).
     */
    private static List<String> outOfOrder(List<Sent> sent, Map<String, List<Sent>> copies) {
        Map<String, Long> lastVersion = new HashMap<>();
        List<String> disordered = new ArrayList<>();
        List<Sent> inOrder = new ArrayList<>(sent);
        inOrder.sort(java.util.Comparator.comparing(Sent::topic).thenComparingInt(Sent::partition)
                .thenComparingLong(Sent::offset));
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Sent record : inOrder) {
            if (!copies.containsKey(record.eventId()) || !seen.add(record.topic() + "/" + record.eventId())) {
                continue;
            }
            String key = record.topic() + "/" + record.streamId();
            Long previous = lastVersion.put(key, record.version());
            if (previous != null && previous >= record.version()) {
                disordered.add(key + " v" + previous + " then v" + record.version());
            }
        }
        return disordered;
    }

    /** Every sequenced event of every service's log, in log order, by service. */
    static Map<String, List<Logged>> logs(Connection database) throws SQLException {
        Map<String, List<Logged>> logs = new TreeMap<>();
        List<String> schemas = new ArrayList<>();
        try (Statement statement = database.createStatement();
             ResultSet rows = statement.executeQuery("SELECT schema_name FROM information_schema.schemata "
                     + "WHERE schema_name LIKE '%\\_events'")) {
            while (rows.next()) {
                schemas.add(rows.getString(1));
            }
        }
        for (String schema : schemas) {
            String service = schema.substring(0, schema.length() - "_events".length());
            List<Logged> log = new ArrayList<>();
            try (Statement statement = database.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT event_id, type, stream_id, version FROM " + schema
                         + ".events WHERE position IS NOT NULL ORDER BY position")) {
                while (rows.next()) {
                    log.add(new Logged(service, rows.getString(1), rows.getString(2), rows.getString(3),
                            rows.getLong(4)));
                }
            }
            logs.put(service, log);
        }
        return logs;
    }
}
