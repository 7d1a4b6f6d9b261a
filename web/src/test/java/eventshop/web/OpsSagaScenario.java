package eventshop.web;

/**
 * A checkout that failed across services, as the stub services answer it: carts checks out, orders places the
 * order, inventory reserves stock, orders asks payments twice (declined twice), then cancels; inventory releases
 * the stock and views updates its summary in the same millisecond as the cancel. Catalog does not answer.
 */
final class OpsSagaScenario {

    static final String ORDER = "o-1";
    static final String CORRELATION = "corr-1";

    private OpsSagaScenario() {
    }

    static void answer(StubServices services) {
        services.answer("GET /api/ops/orders/streams/order-" + ORDER, """
                {"service":"orders","streamId":"order-o-1","aggregate":"order","lastVersion":3,"version":3,
                 "events":[%s,%s],"state":{"status":"CANCELLED"},"stateType":"Cancelled",
                 "previous":{"status":"PLACED"},"changes":[{"path":"/status","before":"PLACED","after":"CANCELLED"}]}
                """.formatted(placed(), cancelled()));
        services.answer("GET /api/ops/carts/correlations/" + CORRELATION, OpsFixture.correlation("carts",
                OpsFixture.withRecord(OpsFixture.event(5, "cart-c-1", 4, "CartCheckedOut", "e0", "2026-12-07T09:59:59.990Z",
                        CORRELATION, null, "{\"cartId\":\"c-1\"}"), OpsFixture.record("carts.events", 0, 50))));
        services.answer("GET /api/ops/orders/correlations/" + CORRELATION, OpsFixture.correlation("orders",
                OpsFixture.withRecord(placed(), OpsFixture.record("orders.events", 1, 100)),
                OpsFixture.withRecord(OpsFixture.event(12, "order-o-1", 1, "PaymentRequested", "e3",
                        "2026-12-07T10:00:00.020Z", CORRELATION, "e2", "{\"orderId\":\"o-1\"}"),
                        OpsFixture.record("payments.commands", 0, 3)),
                OpsFixture.withRecord(OpsFixture.event(13, "order-o-1", 2, "PaymentRequested", "e5",
                        "2026-12-07T10:00:00.040Z", CORRELATION, "e4", "{\"orderId\":\"o-1\"}"),
                        OpsFixture.record("payments.commands", 0, 4)),
                OpsFixture.withRecord(cancelled(), OpsFixture.record("orders.events", 1, 101))));
        services.answer("GET /api/ops/inventory/correlations/" + CORRELATION, OpsFixture.correlation("inventory",
                OpsFixture.withRecord(OpsFixture.event(30, "stock-SKU-1", 8, "StockReserved", "e2",
                        "2026-12-07T10:00:00.012Z", CORRELATION, "e1", "{\"sku\":\"SKU-1\"}"),
                        OpsFixture.record("inventory.events", 0, 70)),
                OpsFixture.withRecord(OpsFixture.event(31, "stock-SKU-1", 9, "StockReleased", "e8",
                        "2026-12-07T10:00:00.070Z", CORRELATION, "e7", "{\"sku\":\"SKU-1\"}"),
                        OpsFixture.record("inventory.events", 0, 71))));
        services.answer("GET /api/ops/payments/correlations/" + CORRELATION, OpsFixture.correlation("payments",
                "{\"event\":" + OpsFixture.event(7, "payment-o-1", 0, "PaymentDeclined", "e4", "2026-12-07T10:00:00.031Z",
                        CORRELATION, "e3", "{\"cardToken\":\"•••\"}", "/cardToken") + ",\"record\":null}",
                OpsFixture.withRecord(OpsFixture.event(8, "payment-o-1", 1, "PaymentDeclined", "e6",
                        "2026-12-07T10:00:00.050Z", CORRELATION, "e5", "{}"), OpsFixture.record("payments.events", 0, 9))));
        services.answer("GET /api/ops/views/correlations/" + CORRELATION, OpsFixture.correlation("views",
                OpsFixture.withRecord(OpsFixture.event(90, "summary-o-1", 0, "OrderSummaryUpdated", "e9",
                        "2026-12-07T10:00:00.060Z", CORRELATION, "e7", "{}"), null)));
        services.answer("GET /api/ops/accounts/correlations/" + CORRELATION, OpsFixture.correlation("accounts"));
        services.answer("GET /api/ops/catalog/correlations/" + CORRELATION, 503, "{\"status\":503}", java.util.Map.of());
    }

    /** Orders' lists: customer c-1's orders (o-2) and the stuck ones (o-3, 4,200 s past its deadline). */
    static void answerTheLists(StubServices services) {
        services.answer("GET /api/ops/orders/sagas", """
                [{"orderId":"o-2","customerId":"c-1","status":"CONFIRMED","placedAt":"2026-12-07T10:00:00Z",
                  "updatedAt":"2026-12-07T10:00:01Z","correlationId":"corr-2"}]""");
        services.answer("GET /api/ops/orders/sagas/stuck", """
                [{"orderId":"o-3","customerId":"c-2","status":"STOCK_RESERVED","placedAt":"2026-12-07T10:00:00Z",
                  "updatedAt":"2026-12-07T10:00:00Z","correlationId":"corr-3","deadline":"2026-12-07T10:05:00Z",
                  "overdueSeconds":4200}]""");
    }

    static String placed() {
        return OpsFixture.event(11, "order-o-1", 0, "OrderPlaced", "e1", "2026-12-07T10:00:00.000Z", CORRELATION, "e0",
                "{\"orderId\":\"o-1\",\"shippingAddress\":{\"name\":\"•••\",\"city\":\"Springfield\"}}",
                "/shippingAddress/name");
    }

    static String cancelled() {
        return OpsFixture.event(14, "order-o-1", 3, "OrderCancelled", "e7", "2026-12-07T10:00:00.060Z", CORRELATION,
                "e6", "{\"orderId\":\"o-1\",\"reason\":\"PAYMENT_DECLINED\"}");
    }
}
