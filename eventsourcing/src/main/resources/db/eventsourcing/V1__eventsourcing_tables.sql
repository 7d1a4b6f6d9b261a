-- The starter's own tables in a service's read-model database (H2 in the embedded topology, PostgreSQL in the
-- distributed one), run by eventshop.eventsourcing.database.EventSourcingTables with its own history table
-- (eventsourcing_schema_history). Idempotent on purpose: a database made before this migration existed (the
-- same tables created by the classes at start) is baselined at version 0 and then runs this unchanged.

-- ConsumerOffsets: where the consumer bindings resume
CREATE TABLE IF NOT EXISTS consumer_offsets (
    group_id     VARCHAR(200) NOT NULL,
    topic        VARCHAR(249) NOT NULL,
    partition_no INT          NOT NULL,
    next_offset  BIGINT       NOT NULL,
    PRIMARY KEY (group_id, topic, partition_no)
);
-- the highest source position processed per partition, for consistency tokens asked of another instance
-- (ConsumerProgress); databases made before it lack it
ALTER TABLE consumer_offsets ADD COLUMN IF NOT EXISTS source_position BIGINT DEFAULT -1 NOT NULL;

-- ExactlyOnce: the events each consumer has applied
CREATE TABLE IF NOT EXISTS processed_messages (
    consumer     VARCHAR(200) NOT NULL,
    event_id     VARCHAR(64)  NOT NULL,
    processed_at TIMESTAMP    NOT NULL,
    PRIMARY KEY (consumer, event_id)
);

-- ParkedMessages: dead-letter records replayed or discarded
CREATE TABLE IF NOT EXISTS parked_replays (
    dead_letter_topic VARCHAR(250) NOT NULL,
    dlq_partition     INT          NOT NULL,
    dlq_offset        BIGINT       NOT NULL,
    replayed_at       TIMESTAMP    NOT NULL,
    PRIMARY KEY (dead_letter_topic, dlq_partition, dlq_offset)
);
-- the columns of discarding, which databases made before it lack
ALTER TABLE parked_replays ADD COLUMN IF NOT EXISTS status VARCHAR(10) DEFAULT 'REPLAYED' NOT NULL;
ALTER TABLE parked_replays ADD COLUMN IF NOT EXISTS reason VARCHAR(500);
ALTER TABLE parked_replays ADD COLUMN IF NOT EXISTS handled_by VARCHAR(320);

-- JdbcRelayCheckpoints: how far each relay has published the log
CREATE TABLE IF NOT EXISTS relay_checkpoints (
    relay      VARCHAR(200) PRIMARY KEY,
    position   BIGINT       NOT NULL,
    updated_at TIMESTAMP    NOT NULL
);

-- Projections (Generations): the registry of read-model generations and their checkpoints. The generations'
-- own tables (<table>_g<n>) are created and dropped by the projection runtime, not here.
CREATE TABLE IF NOT EXISTS projection_generations (
    projection_name  VARCHAR(40) NOT NULL,
    generation       INTEGER     NOT NULL,
    code_version     INTEGER     NOT NULL,
    status           VARCHAR(10) NOT NULL,
    applied_position BIGINT      NOT NULL,
    PRIMARY KEY (projection_name, generation)
);
CREATE TABLE IF NOT EXISTS projection_offsets (
    projection_name VARCHAR(40)  NOT NULL,
    generation      INTEGER      NOT NULL,
    topic           VARCHAR(249) NOT NULL,
    part            INTEGER      NOT NULL,
    next_offset     BIGINT       NOT NULL,
    source_position BIGINT       NOT NULL,
    PRIMARY KEY (projection_name, generation, topic, part)
);
