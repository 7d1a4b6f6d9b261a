-- whether a customer may shop (eventshop.orders.customers.CustomerStandings), fed from accounts.events.
-- Idempotent: a database made before the migrations (the table created at start) is baselined at 0 and runs this.
CREATE TABLE IF NOT EXISTS customer_standings (
    account_id VARCHAR(100) NOT NULL PRIMARY KEY,
    standing   VARCHAR(20)  NOT NULL,
    version    BIGINT       NOT NULL
);
