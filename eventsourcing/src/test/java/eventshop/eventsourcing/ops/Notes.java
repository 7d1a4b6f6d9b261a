package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.projection.Projection;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A test read model of the log with columns of several SQL types: {@code Noted} events ({@code text|cents})
 * folded into one row per stream (count, decimal total, last text and time) and one line per event. A rebuild's
 * generation can be made to fail at one position until told otherwise ({@link #failRebuildAt}).
 */
final class Notes implements Projection {

    static final String NAME = "notes";

    private volatile long failAt = -1;

    /** Generations after the first fail at {@code position} (-1: none). */
    void failRebuildAt(long position) {
        failAt = position;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> tables() {
        return List.of("notes", "note_lines");
    }

    @Override
    public void create(Tables tables, JdbcTemplate jdbc) {
        jdbc.execute(tables.sql("CREATE TABLE {notes} (stream_id VARCHAR(64) PRIMARY KEY, notes INT NOT NULL,"
                + " total DECIMAL(12, 2) NOT NULL, last_text VARCHAR(200), last_at TIMESTAMP NOT NULL)"));
        jdbc.execute(tables.sql("CREATE TABLE {note_lines} (log_position BIGINT PRIMARY KEY,"
                + " stream_id VARCHAR(64) NOT NULL, text VARCHAR(200), flagged BOOLEAN NOT NULL)"));
    }

    @Override
    public void apply(RecordedEvent event, Tables tables, JdbcTemplate jdbc) {
        if (tables.generation() > 1 && event.position() == failAt) {
            throw new IllegalStateException("cannot rebuild position " + event.position() + " yet");
        }
        if (!event.type().equals("Noted")) {
            return;
        }
        String[] parts = new String(event.data(), StandardCharsets.UTF_8).split("\\|");
        String text = parts[0].isEmpty() ? null : parts[0];
        BigDecimal amount = BigDecimal.valueOf(Long.parseLong(parts[1]), 2);
        Timestamp at = Timestamp.from(event.metadata().timestamp());
        int updated = jdbc.update(tables.sql("UPDATE {notes} SET notes = notes + 1, total = total + ?, last_text = ?,"
                + " last_at = ? WHERE stream_id = ?"), amount, text, at, event.streamId());
        if (updated == 0) {
            jdbc.update(tables.sql("INSERT INTO {notes} (stream_id, notes, total, last_text, last_at)"
                    + " VALUES (?, 1, ?, ?, ?)"), event.streamId(), amount, text, at);
        }
        jdbc.update(tables.sql("INSERT INTO {note_lines} (log_position, stream_id, text, flagged) VALUES (?, ?, ?, ?)"),
                event.position(), event.streamId(), text, amount.signum() < 0);
    }

    /** Appends a {@code Noted} event of {@code text} (null: none) and {@code cents} to {@code stream}, at {@code at}. */
    static void note(EventStore store, String stream, String text, long cents, Instant at) {
        byte[] data = ((text == null ? "" : text) + "|" + cents).getBytes(StandardCharsets.UTF_8);
        store.append(stream, ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(), "Noted", data,
                Metadata.at(at))));
    }
}
