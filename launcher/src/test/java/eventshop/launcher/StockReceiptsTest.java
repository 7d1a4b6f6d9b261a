package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.launcher.client.EdgeClient;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stock is received only for a product the catalog knows, on the real store through edge: inventory asks
 * the catalog (GET /api/catalog/products/{sku}, answered from the product's own stream) before it stores a
 * receipt, so an unknown sku is refused, a product added a moment earlier is known, and a catalog that
 * cannot answer leaves nothing stored.
 */
class StockReceiptsTest {

    private static SharedStore shop;
    private static EdgeClient edge;

    @BeforeAll
    static void useTheSharedStore() {
        shop = SharedStore.get();
        edge = shop.edge;
    }

    private static String newSku() {
        return "SKU-R" + Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()), 36).toUpperCase();
    }

    private static EdgeClient.Response add(String sku) {
        return edge.post("/api/catalog/products", Map.of("sku", sku, "name", "Receipt " + sku, "priceCents", 100),
                shop.admin);
    }

    private static EdgeClient.Response receive(String sku, int quantity) {
        return edge.post("/api/inventory/" + sku + "/receipts", Map.of("quantity", quantity), shop.admin);
    }

    @Test
    void aProductAddedAMomentEarlier_isKnown_everyTime() {
        for (int i = 0; i < 20; i++) {
            String sku = newSku();
            assertThat(add(sku).status()).isEqualTo(201);

            EdgeClient.Response received = receive(sku, 3);

            assertThat(received.status()).as("%s: %s", sku, received).isEqualTo(200);
            assertThat(received.body().path("onHand").asInt()).isEqualTo(3);
        }
    }

    @Test
    void aSkuTheCatalogDoesNotKnow_is422_andNothingIsStored_untilTheProductIsAdded() {
        String sku = newSku();

        EdgeClient.Response refused = receive(sku, 5);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        assertThat(refused.body().path("type").asString()).isEqualTo("/problems/unknown-product");
        assertThat(shop.eventTypes("inventory", "stock-" + sku)).isEmpty();

        assertThat(add(sku).status()).isEqualTo(201);
        assertThat(receive(sku, 5).status()).isEqualTo(200);
        assertThat(shop.eventTypes("inventory", "stock-" + sku)).containsExactly("StockReceived");
    }

    @Test
    void aDiscontinuedProduct_stillReceivesStock() {
        String sku = newSku();
        assertThat(add(sku).status()).isEqualTo(201);
        assertThat(edge.delete("/api/catalog/products/" + sku, shop.admin).status()).isEqualTo(204);

        EdgeClient.Response received = receive(sku, 2);

        assertThat(received.status()).as(received.toString()).isEqualTo(200);
    }

    @Test
    void whileTheCatalogIsDown_aReceiptIs503_andNothingIsStored() {
        String sku = newSku();
        assertThat(add(sku).status()).isEqualTo(201);
        shop.store.stopApp("catalog");
        try {
            EdgeClient.Response refused = receive(sku, 5);

            assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
            assertThat(refused.body().path("type").asString()).isEqualTo("/problems/service-unavailable");
            assertThat(refused.header("Retry-After")).isNotNull();
            assertThat(shop.eventTypes("inventory", "stock-" + sku)).isEmpty();
        } finally {
            shop.store.startApp("catalog");
        }
        EdgeClient.Response received = await().atMost(SharedStore.PATIENCE).until(() -> receive(sku, 5),
                response -> response.status() != 503);
        assertThat(received.status()).as(received.toString()).isEqualTo(200);
        assertThat(shop.eventTypes("inventory", "stock-" + sku)).containsExactly("StockReceived");
    }
}
