-- carts' own view of the catalog's prices (eventshop.carts.prices.Prices), fed from catalog.events. Idempotent: a
-- database made before the migrations (the table created at start) is baselined at 0 and runs this unchanged.
CREATE TABLE IF NOT EXISTS prices (
    sku          VARCHAR(100)  NOT NULL PRIMARY KEY,
    name         VARCHAR(1000),
    price_cents  BIGINT        NOT NULL,
    discontinued BOOLEAN       NOT NULL,
    version      BIGINT        NOT NULL
);
