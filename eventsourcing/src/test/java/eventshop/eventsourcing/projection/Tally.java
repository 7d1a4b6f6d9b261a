package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A test topic projection: one entry row per event (primary key = event id, so a double apply cannot
 * hide: it fails the batch) and per stream the number of its events. Hooks let tests make it fail once,
 * reject a poison event, or pause.
 */
final class Tally implements TopicProjection {

    private final List<String> topics;
    private final int version;
    private volatile String failOnceAfter;
    private volatile boolean rejectPoison = true;
    private volatile CountDownLatch gate;
    final AtomicInteger thrown = new AtomicInteger();

    Tally(List<String> topics) {
        this(topics, 1);
    }

    Tally(List<String> topics, int version) {
        this.topics = List.copyOf(topics);
        this.version = version;
    }

    @Override
    public String name() {
        return "tally";
    }

    @Override
    public int version() {
        return version;
    }

    @Override
    public List<String> topics() {
        return topics;
    }

    @Override
    public List<String> tables() {
        return List.of("entries", "streams");
    }

    @Override
    public void create(Tables tables, JdbcTemplate jdbc) {
        jdbc.execute(tables.sql("CREATE TABLE {entries} (event_id VARCHAR(36) PRIMARY KEY, source VARCHAR(64) NOT NULL,"
                + " stream VARCHAR(64) NOT NULL, source_position BIGINT NOT NULL, payload VARCHAR(100) NOT NULL)"));
        jdbc.execute(tables.sql("CREATE TABLE {streams} (stream VARCHAR(64) PRIMARY KEY, events BIGINT NOT NULL)"));
    }

    @Override
    public void apply(String source, IncomingEvent event, Tables tables, JdbcTemplate jdbc) {
        CountDownLatch paused = gate;
        if (paused != null) {
            try {
                paused.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        String payload = event.text();
        if (payload.equals("unreadable")) {
            throw new MalformedMessage("payload 'unreadable' is not a tally");
        }
        if (payload.equals("poison") && rejectPoison) {
            throw new IllegalArgumentException("cannot count a poison event");
        }
        jdbc.update(tables.sql("INSERT INTO {entries} (event_id, source, stream, source_position, payload)"
                + " VALUES (?, ?, ?, ?, ?)"), event.eventId().toString(), source, event.streamId(),
                event.sourcePosition(), payload);
        if (jdbc.update(tables.sql("UPDATE {streams} SET events = events + 1 WHERE stream = ?"), event.streamId()) == 0) {
            jdbc.update(tables.sql("INSERT INTO {streams} (stream, events) VALUES (?, 1)"), event.streamId());
        }
        if (payload.equals(failOnceAfter)) {
            failOnceAfter = null;
            thrown.incrementAndGet();
            throw new IllegalStateException("simulated crash after writing " + payload);
        }
    }

    /** Throws once, after writing, when applying the event with this payload. */
    void failOnceAfterWriting(String payload) {
        failOnceAfter = payload;
    }

    void acceptPoison() {
        rejectPoison = false;
    }

    /** Blocks every apply from now on until {@link #resume}. */
    void pause() {
        gate = new CountDownLatch(1);
    }

    void resume() {
        CountDownLatch paused = gate;
        gate = null;
        if (paused != null) {
            paused.countDown();
        }
    }

    static long entries(JdbcTemplate jdbc, Tables tables) {
        return jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {entries}"), Long.class);
    }

    /** Per stream, its events, as the read model holds them. */
    static Map<String, Long> streams(JdbcTemplate jdbc, Tables tables) {
        Map<String, Long> streams = new TreeMap<>();
        jdbc.query(tables.sql("SELECT stream, events FROM {streams}"), rs -> {
            streams.put(rs.getString(1), rs.getLong(2));
        });
        return streams;
    }
}
