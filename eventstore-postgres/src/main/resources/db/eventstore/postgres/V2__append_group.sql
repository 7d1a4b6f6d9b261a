-- One round trip for a group of appends in the common case (see PostgresEventStore: group commit).
--
-- Takes the log head's row lock (waiting), then writes every append of the group with positions
-- head+1, head+2, ... if and only if each one can simply be appended: its expected version holds and
-- none of the group's event ids is stored yet. Otherwise it raises SQLSTATE 'ES001' and writes
-- nothing; the caller rolls back and takes the general path (lock, read, check each append in Java,
-- write), which tells retries from conflicts and fails only the appends that must fail. It also
-- raises 'ES001' if rows without a position are left, which that path positions first.
--
-- Arguments, per append i (1..n): p_streams[i] (distinct), p_expected[i] (-2 any, -1 no stream,
-- else the exact version), p_counts[i] (its number of events); per event j in append order:
-- p_appends[j] (the append it belongs to), p_offsets[j] (1.. within that append), p_ids[j],
-- p_types[j], p_metadata[j], p_data[j].
-- Returns one row per append, in order: its new stream version, the position of its last event and
-- its batch id. Runs in the caller's transaction, which commits it (and releases the lock).
CREATE FUNCTION append_group(p_streams text[], p_expected bigint[], p_counts int[], p_appends int[],
                             p_offsets int[], p_ids uuid[], p_types text[], p_metadata bytea[],
                             p_data bytea[])
    RETURNS TABLE (stream_version bigint, last_position bigint, batch bigint)
    LANGUAGE plpgsql VOLATILE
    -- Index look-ups only, whatever the statistics say: a plan made while a table was small or not
    -- yet analyzed would otherwise scan it whole (or hash it whole) for every group as it grows.
    -- No JIT: the costs those settings add to the plans must not make the server compile a plan of
    -- a few look-ups (tens of milliseconds) on every call.
    SET enable_seqscan = off
    SET enable_hashjoin = off
    SET enable_mergejoin = off
    SET jit = off
AS $$
DECLARE
    h       bigint;
    n       int := cardinality(p_streams);
    cur     bigint[];
    refused boolean;
    batches bigint[];
    lasts   bigint[];
BEGIN
    -- the lock first: every later statement takes its snapshot after it was granted
    SELECT l.head INTO h FROM ${flyway:defaultSchema}.log_head l WHERE l.id = 1 FOR UPDATE;

    SELECT array_agg(coalesce(s.version, -1) ORDER BY g.i),
           bool_or(g.expected <> -2 AND g.expected <> coalesce(s.version, -1))
    INTO cur, refused
    FROM unnest(p_streams, p_expected) WITH ORDINALITY AS g(sid, expected, i)
    LEFT JOIN ${flyway:defaultSchema}.streams s ON s.stream_id = g.sid;
    IF refused
       OR EXISTS (SELECT 1 FROM ${flyway:defaultSchema}.events e WHERE e.event_id = ANY (p_ids))
       OR EXISTS (SELECT 1 FROM ${flyway:defaultSchema}.events e WHERE e.position IS NULL) THEN
        RAISE EXCEPTION 'not a plain append: an expected version, a stored event id or unpositioned rows'
            USING ERRCODE = 'ES001';
    END IF;

    -- per append: a batch id, and the position of its last event (head + running total of the counts)
    SELECT array_agg(nextval('${flyway:defaultSchema}.batch_ids') ORDER BY t.i), array_agg(t.last ORDER BY t.i)
    INTO batches, lasts
    FROM (SELECT c.i, h + sum(c.count) OVER (ORDER BY c.i) AS last
          FROM unnest(p_counts) WITH ORDINALITY AS c(count, i)) t;

    INSERT INTO ${flyway:defaultSchema}.events (stream_id, version, batch_id, position, event_id, type, metadata, data)
    SELECT p_streams[x.a], cur[x.a] + x.o, batches[x.a], lasts[x.a] - p_counts[x.a] + x.o, x.id, x.type, x.meta, x.data
    FROM unnest(p_appends, p_offsets, p_ids, p_types, p_metadata, p_data) AS x(a, o, id, type, meta, data);

    INSERT INTO ${flyway:defaultSchema}.streams AS old (stream_id, version)
    SELECT p_streams[i], cur[i] + p_counts[i] FROM generate_series(1, n) AS i
    ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version;

    UPDATE ${flyway:defaultSchema}.log_head SET head = lasts[n] WHERE id = 1;
    PERFORM pg_notify('eventstore_${flyway:defaultSchema}', lasts[n]::text);

    RETURN QUERY SELECT cur[i] + p_counts[i], lasts[i], batches[i] FROM generate_series(1, n) AS i;
END
$$;
