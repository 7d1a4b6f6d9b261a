-- what inventory says is available per sku (eventshop.catalog.stock.StockLevels), fed from inventory.events.
-- Idempotent: a database made before the migrations (the table created at start) is baselined at 0 and runs this.
CREATE TABLE IF NOT EXISTS stock_levels (
    sku       VARCHAR(200) PRIMARY KEY,
    available INT          NOT NULL,
    version   BIGINT       NOT NULL
);
