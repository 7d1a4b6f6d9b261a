-- Edge's own database: the server-side sessions behind the session tokens (Spring Session JDBC's tables,
-- as its schema-h2.sql / schema-postgresql.sql has them, made idempotent so that every start can run this
-- script), and the record of ended accounts that keeps a login racing a suspension from outliving it.
-- Portable SQL: H2 (embedded store) and PostgreSQL (distributed topology).

CREATE TABLE IF NOT EXISTS SPRING_SESSION (
    PRIMARY_ID CHAR(36) NOT NULL,
    SESSION_ID CHAR(36) NOT NULL,
    CREATION_TIME BIGINT NOT NULL,
    LAST_ACCESS_TIME BIGINT NOT NULL,
    MAX_INACTIVE_INTERVAL INT NOT NULL,
    EXPIRY_TIME BIGINT NOT NULL,
    PRINCIPAL_NAME VARCHAR(100),
    CONSTRAINT SPRING_SESSION_PK PRIMARY KEY (PRIMARY_ID)
);

CREATE UNIQUE INDEX IF NOT EXISTS SPRING_SESSION_IX1 ON SPRING_SESSION (SESSION_ID);
CREATE INDEX IF NOT EXISTS SPRING_SESSION_IX2 ON SPRING_SESSION (EXPIRY_TIME);
CREATE INDEX IF NOT EXISTS SPRING_SESSION_IX3 ON SPRING_SESSION (PRINCIPAL_NAME);

CREATE TABLE IF NOT EXISTS SPRING_SESSION_ATTRIBUTES (
    SESSION_PRIMARY_ID CHAR(36) NOT NULL,
    ATTRIBUTE_NAME VARCHAR(200) NOT NULL,
    ATTRIBUTE_BYTES BYTEA NOT NULL,
    CONSTRAINT SPRING_SESSION_ATTRIBUTES_PK PRIMARY KEY (SESSION_PRIMARY_ID, ATTRIBUTE_NAME),
    CONSTRAINT SPRING_SESSION_ATTRIBUTES_FK FOREIGN KEY (SESSION_PRIMARY_ID) REFERENCES SPRING_SESSION (PRIMARY_ID) ON DELETE CASCADE
);

-- One row: how many times accounts' sessions were ended. A login reads it before it checks the
-- credentials; an ending increments it (the row lock orders endings) and records its mark per account.
CREATE TABLE IF NOT EXISTS EDGE_SESSION_ENDINGS_COUNT (
    ID INT NOT NULL PRIMARY KEY,
    MARK BIGINT NOT NULL
);
INSERT INTO EDGE_SESSION_ENDINGS_COUNT (ID, MARK)
    SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM EDGE_SESSION_ENDINGS_COUNT WHERE ID = 1);

-- The last ending of each account whose sessions were ended (suspended or archived), and the version of
-- the account's stream it was at when edge learned it from accounts.events (NULL: edge ended them itself,
-- passing the administrator's command on).
CREATE TABLE IF NOT EXISTS EDGE_SESSION_ENDINGS (
    ACCOUNT_ID VARCHAR(100) NOT NULL PRIMARY KEY,
    MARK BIGINT NOT NULL,
    REASON VARCHAR(20) NOT NULL,
    ACCOUNT_VERSION BIGINT
);
