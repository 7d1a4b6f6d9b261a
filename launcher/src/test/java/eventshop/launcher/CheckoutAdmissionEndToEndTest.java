package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.edge.admission.CheckoutAdmission;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Edge's limit on checkouts in flight, in the real store: a checkout holds its place until edge reads its order's
 * settlement on {@code orders.events} (through the relay and the broker, with a consumer group of edge's own), not
 * until edge gives it up: a confirmed order and a declined one both give their places back well within
 * {@code give-up-after} (30 s), and none is given up.
 */
class CheckoutAdmissionEndToEndTest {

    /** Well within give-up-after: a place given back later could have been given up rather than settled. */
    static final Duration SETTLED_WITHIN = Duration.ofSeconds(20);

    private static SharedStore shop;
    private static CheckoutAdmission admission;
    private static MeterRegistry metrics;

    @BeforeAll
    static void useTheSharedStore() {
        shop = SharedStore.get();
        admission = shop.store.context("edge").getBean(CheckoutAdmission.class);
        metrics = shop.store.context("edge").getBean(MeterRegistry.class);
    }

    @Test
    void aConfirmedOrder_andADeclinedOne_giveTheirPlacesBack_whenTheirSettlementArrives() {
        String sku = shop.product(700, 10);
        SharedStore.Customer paying = shop.customer(PublicShop.APPROVES);
        SharedStore.Customer declined = shop.customer(PublicShop.DECLINES);
        double givenUp = metrics.get("edge.checkouts.given.up").counter().count();
        long settled = metrics.get("edge.checkouts.settle").timer().count();

        String confirmed = shop.checkOut(paying, sku, 1);
        String cancelled = shop.checkOut(declined, sku, 1);

        await().atMost(SETTLED_WITHIN).until(() -> !admission.holds(confirmed) && !admission.holds(cancelled));
        assertThat(shop.awaitTerminal(paying, confirmed).get("status").asString()).isEqualTo("DELIVERED");
        assertThat(shop.awaitStatus(declined, cancelled, "CANCELLED").get("cancellationReason").asString())
                .isEqualTo("PAYMENT_DECLINED");
        assertThat(metrics.get("edge.checkouts.given.up").counter().count()).isEqualTo(givenUp);
        assertThat(metrics.get("edge.checkouts.settle").timer().count()).isGreaterThanOrEqualTo(settled + 2);
    }
}
