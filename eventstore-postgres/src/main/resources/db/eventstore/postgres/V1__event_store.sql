-- The PostgreSQL engine of the event store: one set of these objects per schema (one schema per
-- service). See eventshop.eventstore.postgres.PostgresEventStore and docs/eventstore-postgres.md.
--
-- An append inserts its rows with position NULL. Positions are given only by sequence_events()
-- (below), only while holding the lock on the single log_head row, to every row that has no
-- position yet: either by the append itself, in its own transaction, when the lock is free, or
-- after the append committed, by a sequencer call. Readers read only rows that have a position,
-- so they see the log grow by whole sequencing transactions, in position order, gapless.

CREATE TABLE events (
    stream_id text   NOT NULL,          -- NUL-escaped (see Texts), at most 200 characters before escaping
    version   bigint NOT NULL,          -- 0, 1, 2, ... within the stream
    batch_id  bigint NOT NULL,          -- from batch_ids, taken once per append while the stream row is locked
    position  bigint,                   -- NULL until the sequencer assigns it; then never changes
    event_id  uuid   NOT NULL,
    type      text   NOT NULL,          -- NUL-escaped
    metadata  bytea  NOT NULL,          -- binary encoding, see MetadataCodec
    data      bytea  NOT NULL,
    CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);

-- Readers: by position. NULLs (rows not yet sequenced) are distinct, so they never collide, and
-- they sit together at the end of the index: the sequencer finds its work (position IS NULL) there.
CREATE UNIQUE INDEX events_position ON events (position);
-- Idempotent retries: is this event id already in the stream?
CREATE INDEX events_event_id ON events (event_id);

-- CACHE 1 (the default) matters: a per-connection cache would let an append that starts after
-- another one committed draw a smaller batch id, and then be ordered before it.
CREATE SEQUENCE batch_ids AS bigint CACHE 1;

-- One row per stream: locked (SELECT ... FOR UPDATE) by an append for its expected-version check,
-- so appends to one stream are serialized and their batch ids follow their versions.
CREATE TABLE streams (
    stream_id text   PRIMARY KEY,
    version   bigint NOT NULL           -- the last version written, sequenced or not
);

-- The committed head of the log: the last position assigned (-1 while the log is empty). Its row
-- lock is the sequencer's mutex.
CREATE TABLE log_head (
    id   smallint PRIMARY KEY CHECK (id = 1),
    head bigint   NOT NULL
);
INSERT INTO log_head (id, head) VALUES (1, -1);

CREATE TABLE snapshots (
    stream_id text   PRIMARY KEY,       -- NUL-escaped
    version   bigint NOT NULL,
    type      text   NOT NULL,          -- NUL-escaped
    data      bytea  NOT NULL
);

-- Assigns positions to every committed, unsequenced row, ordered by (batch_id, version), so the
-- rows of one batch get consecutive positions; the caller's own uncommitted rows count too, since
-- its transaction sees them. Returns one row (NULL, head) with the head after the call, then one
-- row (batch_id, last position) per batch it sequenced. Runs in the caller's transaction: the
-- positions, the new head and the notification all become visible when that transaction commits,
-- and the log_head row stays locked until then.
--
-- wait = true (the sequencer thread, in autocommit): waits for the log_head lock.
-- wait = false (an append, inside its own transaction after its insert): returns no row at all if
-- another transaction holds the lock; the append then commits unsequenced and a sequencer call
-- positions it.
--
-- Each statement of a VOLATILE function takes a fresh snapshot, so the UPDATE sees every row that
-- committed before the lock was granted.
CREATE FUNCTION sequence_events(wait boolean DEFAULT true) RETURNS TABLE (batch bigint, last_position bigint)
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    before_head bigint;
    after_head  bigint;
    batches     bigint[];
    lasts       bigint[];
BEGIN
    IF wait THEN
        IF NOT EXISTS (SELECT 1 FROM ${flyway:defaultSchema}.events WHERE position IS NULL) THEN
            RETURN QUERY SELECT NULL::bigint, h.head FROM ${flyway:defaultSchema}.log_head h WHERE h.id = 1;
            RETURN;
        END IF;
        SELECT h.head INTO before_head FROM ${flyway:defaultSchema}.log_head h WHERE h.id = 1 FOR UPDATE;
    ELSE
        SELECT h.head INTO before_head FROM ${flyway:defaultSchema}.log_head h WHERE h.id = 1 FOR UPDATE SKIP LOCKED;
        IF NOT FOUND THEN
            RETURN;
        END IF;
    END IF;

    WITH todo AS (
        SELECT e.stream_id, e.version, row_number() OVER (ORDER BY e.batch_id, e.version) AS rn
        FROM ${flyway:defaultSchema}.events e
        WHERE e.position IS NULL
    ), moved AS (
        UPDATE ${flyway:defaultSchema}.events e
        SET position = before_head + t.rn
        FROM todo t
        WHERE e.stream_id = t.stream_id AND e.version = t.version
        RETURNING e.batch_id, e.position
    ), per_batch AS (
        SELECT m.batch_id, max(m.position) AS last FROM moved m GROUP BY m.batch_id
    )
    SELECT array_agg(p.batch_id), array_agg(p.last), max(p.last) INTO batches, lasts, after_head
    FROM per_batch p;

    IF after_head IS NULL THEN
        after_head := before_head;
    ELSE
        UPDATE ${flyway:defaultSchema}.log_head SET head = after_head WHERE id = 1;
        PERFORM pg_notify('eventstore_${flyway:defaultSchema}', after_head::text);
    END IF;

    RETURN QUERY SELECT NULL::bigint, after_head;
    IF batches IS NOT NULL THEN
        RETURN QUERY SELECT u.b, u.l FROM unnest(batches, lasts) AS u(b, l);
    END IF;
END
$$;
