-- the test application "ledger"'s own fixed table (EventSourcingTablesTest), idempotent like a service's V1
CREATE TABLE IF NOT EXISTS entries (entry_id VARCHAR(40) PRIMARY KEY, amount BIGINT NOT NULL);
