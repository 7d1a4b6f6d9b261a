package eventshop.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.file.Durability;
import eventshop.eventstore.file.FileEventStore;
import eventshop.eventstore.file.FileEventStoreOptions;
import eventshop.eventstore.postgres.PostgresEventStore;
import eventshop.eventstore.postgres.PostgresEventStoreOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;

/**
 * Catch-up read throughput over the same {@code events} 256-byte events, each reader on one
 * thread from the start of its log to the end, in alternating rounds: the PostgreSQL engine's
 * {@code subscribe(0)} and chunked {@code readAll}, a plain JDBC cursor over the same rows copied to
 * the plain table, Axon's tracking {@code readEvents(null, false)} (payloads materialised), and the
 * file engine's {@code subscribe(0)}. Every reader turns each row into an event object with its
 * payload, and must see exactly {@code events} of them.
 */
final class CatchUp {

    static final int FILL_BATCH = 1_000;
    static final int READ_CHUNK = 10_000;
    static final int STREAMS = 100;

    private CatchUp() {
    }

    /** Reader name → rates (events/s) of the rounds. */
    static Map<String, List<Double>> run(String url, Path fileDirectory, int events, int rounds) throws Exception {
        int total = events / FILL_BATCH * FILL_BATCH;
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        PostgresEventStore engine = PostgresEventStore.open(PostgresEventStoreOptions.forUrl(url, "postgres", null)
                .withSchema("sbs_read").withMaxPoolSize(4));
        Contender.Axon.create(url, "sbs_axon_read"); // creates its schema and tables
        HikariDataSource axonPool = Contender.pool(Contender.Axon.schemaUrl(url, "sbs_axon_read"), 2, "axon-read");
        Path fileDir = fileDirectory.resolve("file-read");
        FileEventStore file = FileEventStore.open(fileDir, FileEventStoreOptions.defaults()
                .withDurability(Durability.NONE));
        try {
            JdbcEventStorageEngine axon = Contender.Axon.engine(axonPool);
            long start = System.nanoTime();
            fill(engine, axon, total);
            Appends.fill(file, total, STREAMS, 8192);
            try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement s = c.createStatement()) {
                Contender.PlainJdbc.createTable(c, "sbs_plain_read");
                s.execute("INSERT INTO sbs_plain_read (stream_id, version, event_id, type, metadata, data)"
                        + " SELECT stream_id, version, event_id, type, metadata, data FROM sbs_read.events"
                        + " ORDER BY position");
                s.execute("VACUUM ANALYZE sbs_plain_read");
                s.execute("VACUUM ANALYZE sbs_read.events");
                s.execute("VACUUM ANALYZE sbs_axon_read.domainevententry");
            }
            System.out.printf("  filled %,d events into each log in %.1f s%n", total, (System.nanoTime() - start) / 1e9);

            Map<String, Reader> readers = new LinkedHashMap<>();
            readers.put("eventshop PostgreSQL engine, subscribe(0)", () -> count(engine.subscribe(0).take(total)
                    .doOnNext(CatchUp::touch).count().block(Duration.ofMinutes(5))));
            readers.put("eventshop PostgreSQL engine, readAll in chunks of " + READ_CHUNK, () -> readAll(engine, total));
            readers.put("plain JDBC cursor (fetch size 1,000)", () -> plainCursor(url));
            readers.put("Axon 4.13 readEvents (tracking)", () -> axonRead(axon, total));
            readers.put("eventshop file engine, subscribe(0)", () -> count(file.subscribe(0).take(total)
                    .doOnNext(CatchUp::touch).count().block(Duration.ofMinutes(5))));
            for (String name : readers.keySet()) {
                rates.put(name, new ArrayList<>());
            }
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<String, Reader> reader : readers.entrySet()) {
                    long t0 = System.nanoTime();
                    long read = reader.getValue().read();
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    if (read != total) {
                        throw new IllegalStateException(reader.getKey() + " read " + read + " events, expected " + total);
                    }
                    rates.get(reader.getKey()).add(read / seconds);
                    System.out.printf("  round %d  %-48s %,12.0f events/s%n", round + 1, reader.getKey(), read / seconds);
                }
            }
        } finally {
            engine.close();
            axonPool.close();
            file.close();
            SideBySide.delete(fileDir);
        }
        return rates;
    }

    @FunctionalInterface
    private interface Reader {
        long read() throws Exception;
    }

    private static long count(Long count) {
        return count == null ? -1 : count;
    }

    private static long sink;

    /** Touches the payload so no reader gets away without materialising it. */
    private static void touch(RecordedEvent event) {
        sink += event.data().length;
    }

    private static void fill(PostgresEventStore engine, JdbcEventStorageEngine axon, int total) {
        byte[] data = Events.data(Events.DATA_BYTES);
        Events.Ids ids = new Events.Ids();
        long[] sequences = new long[STREAMS];
        for (int batch = 0; batch < total / FILL_BATCH; batch++) {
            int stream = batch % STREAMS;
            List<EventData> events = new ArrayList<>(FILL_BATCH);
            List<DomainEventMessage<byte[]>> messages = new ArrayList<>(FILL_BATCH);
            for (int e = 0; e < FILL_BATCH; e++) {
                events.add(new EventData(ids.next(), Events.TYPE, data, Metadata.at(Instant.now())));
                messages.add(new GenericDomainEventMessage<>(Events.TYPE, "cart-read-" + stream, sequences[stream]++,
                        data));
            }
            engine.append("cart-read-" + stream, ExpectedVersion.any(), events);
            axon.appendEvents(messages);
        }
    }

    private static long readAll(EventStore store, int total) {
        AtomicLong next = new AtomicLong(-1);
        long read = 0;
        while (read < total) {
            long from = next.get() + 1;
            long before = read;
            read += count(store.readAll(from, READ_CHUNK).doOnNext(event -> {
                touch(event);
                next.set(event.position());
            }).count().block(Duration.ofMinutes(2)));
            if (read == before) {
                break;
            }
        }
        return read;
    }

    private static long plainCursor(String url) throws Exception {
        long count = 0;
        try (Connection c = DriverManager.getConnection(url, "postgres", null)) {
            c.setAutoCommit(false);
            try (PreparedStatement read = c.prepareStatement("SELECT position, stream_id, version, event_id, type,"
                    + " metadata, data FROM sbs_plain_read ORDER BY position")) {
                read.setFetchSize(1_000);
                try (ResultSet rows = read.executeQuery()) {
                    while (rows.next()) {
                        ByteBuffer metadata = ByteBuffer.wrap(rows.getBytes(6));
                        metadata.get();
                        Instant at = Instant.ofEpochSecond(metadata.getLong(), metadata.getInt());
                        touch(new RecordedEvent(rows.getObject(4, UUID.class), rows.getString(2), rows.getLong(3),
                                rows.getLong(1), rows.getString(5), rows.getBytes(7), Metadata.at(at)));
                        count++;
                    }
                }
            }
            c.commit();
        }
        return count;
    }

    private static long axonRead(JdbcEventStorageEngine axon, int total) {
        long count = 0;
        try (Stream<? extends TrackedEventMessage<?>> events = axon.readEvents(null, false)) {
            var iterator = events.iterator();
            while (count < total && iterator.hasNext()) {
                TrackedEventMessage<?> message = iterator.next();
                if (message.getPayload() instanceof byte[] bytes) {
                    sink += bytes.length;
                }
                count++;
            }
        }
        return count;
    }
}
