package eventshop.eventstore.postgres;

/** The engine's statements, with the schema name filled in (it is validated, so never quoted). */
final class Sql {

    static final String COLUMNS = "stream_id, version, position, event_id, type, metadata, data";

    final String lockForGroup;
    final String writeGroup;
    final String knownIds;
    final String appendGroup;
    final String eventsAround;
    final String sequence;
    final String readPositions;
    final String readStream;
    final String readRange;
    final String streamVersion;
    final String head;
    final String saveSnapshot;
    final String loadSnapshot;
    final String listen;
    final String channel;

    Sql(String schema, String channel) {
        String s = schema + ".";
        // A group's first round trip: the head row's lock (every writer takes it first, so writers
        // never deadlock and nobody else changes streams or positions until the group commits) and
        // the head; whether rows without a position are left (by a crash of an older version);
        // one batch id per append (? of them); the versions of the group's streams (?); and where
        // the group's event ids (?) already are. Every statement is a few index look-ups; a plan made
        // while a table was small (or not yet analyzed) would go on scanning or hashing it whole as
        // it grows, so the transaction rules out sequential scans, hash and merge joins (and JIT,
        // which the costs those settings add would otherwise switch on for plans of a few look-ups).
        lockForGroup = "SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off;"
                + " SET LOCAL jit = off;"
                + " SELECT head FROM " + s + "log_head WHERE id = 1 FOR UPDATE;"
                + " SELECT EXISTS (SELECT 1 FROM " + s + "events WHERE position IS NULL);"
                + " SELECT nextval('" + s + "batch_ids') FROM generate_series(1, ?);"
                + " SELECT st.stream_id, st.version FROM unnest(?::text[]) AS g(sid)"
                + " JOIN " + s + "streams st ON st.stream_id = g.sid;"
                + " SELECT e.stream_id, e.event_id, e.version FROM " + s + "events e WHERE e.event_id = ANY (?)";
        appendGroup = "SELECT stream_version, last_position, batch FROM " + s + "append_group(?, ?, ?, ?, ?, ?, ?, ?, ?)";
        knownIds = "SELECT e.stream_id, e.event_id, e.version FROM " + s + "events e WHERE e.event_id = ANY (?)";
        // The second: the rows with their positions, the streams' versions, the head, the notification.
        writeGroup = "INSERT INTO " + s + "events (stream_id, version, batch_id, position, event_id, type, metadata, data)"
                + " SELECT * FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::uuid[], ?::text[],"
                + " ?::bytea[], ?::bytea[]);"
                + " INSERT INTO " + s + "streams AS old (stream_id, version) SELECT * FROM unnest(?::text[], ?::bigint[])"
                + " ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version;"
                + " UPDATE " + s + "log_head SET head = ? WHERE id = 1;"
                + " SELECT pg_notify('" + channel + "', ?)";
        eventsAround = "SELECT " + COLUMNS + ", batch_id FROM " + s + "events WHERE stream_id = ?"
                + " AND version BETWEEN ? AND ? ORDER BY version";
        sequence = "SELECT batch, last_position FROM " + s + "sequence_events(true)";
        // Pages: at most ? rows and, past the first row, about ? bytes (an event is never split).
        String sized = ", sum(octet_length(e.data) + octet_length(e.metadata)) OVER (ORDER BY e.%1$s)"
                + " - octet_length(e.data) - octet_length(e.metadata) AS bytes_before FROM " + s + "events e";
        readPositions = "SELECT " + COLUMNS + " FROM (SELECT " + prefixed("e.")
                + String.format(sized, "position")
                + " WHERE e.position >= ? AND e.position < ? ORDER BY e.position LIMIT ?) p"
                + " WHERE p.bytes_before < ? ORDER BY p.position";
        readRange = "SELECT " + COLUMNS + " FROM " + s + "events WHERE position >= ? AND position < ? ORDER BY position";
        readStream = "SELECT " + COLUMNS + " FROM (SELECT " + prefixed("e.")
                + String.format(sized, "version")
                + " WHERE e.stream_id = ? AND e.version >= ? AND e.position IS NOT NULL ORDER BY e.version LIMIT ?) p"
                + " WHERE p.bytes_before < ? ORDER BY p.version";
        streamVersion = "SELECT version FROM " + s + "events WHERE stream_id = ? AND position IS NOT NULL"
                + " ORDER BY version DESC LIMIT 1";
        head = "SELECT head FROM " + s + "log_head WHERE id = 1";
        saveSnapshot = "INSERT INTO " + s + "snapshots AS old (stream_id, version, type, data) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, type = EXCLUDED.type,"
                + " data = EXCLUDED.data WHERE old.version <= EXCLUDED.version";
        loadSnapshot = "SELECT version, type, data FROM " + s + "snapshots WHERE stream_id = ?";
        listen = "LISTEN " + channel;
        this.channel = channel;
    }

    private static String prefixed(String alias) {
        return alias + COLUMNS.replace(", ", ", " + alias);
    }
}
