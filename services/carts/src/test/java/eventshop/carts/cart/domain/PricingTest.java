package eventshop.carts.cart.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.carts.cart.domain.Pricing.PricedCart;
import eventshop.carts.cart.domain.Pricing.PricedLine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PricingTest {

    @ParameterizedTest(name = "6% of {0} = {1}")
    @CsvSource({
            "0, 0",
            "1250, 75",     // 75.00
            "1258, 75",     // 75.48 rounds down
            "1259, 76",     // 75.54 rounds up
            "25, 2",        // 1.50 rounds half up
            "8, 0",         // 0.48
            "9, 1",         // 0.54
            "3997, 240",    // 239.82
            "4175, 251",    // 250.50 rounds half up
            "2500000000000, 150000000000"})
    void tax_isSixPercent_roundedHalfUp(long subtotalCents, long taxCents) {
        assertThat(Pricing.taxOf(subtotalCents)).isEqualTo(taxCents);
    }

    @Test
    void tax_ofANegativeSubtotal_isAnError() {
        assertThatThrownBy(() -> Pricing.taxOf(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void price_showsDiscontinuedAtTheirLastPrice_andUnknownAtZero_bothUnavailable_andInNoTotal() {
        PriceList prices = new PriceList(Map.of(
                "SKU-1", new Product.OnSale("SKU-1", "One", 1000),
                "SKU-2", new Product.Discontinued("SKU-2", "Two", 250)));

        PricedCart cart = Pricing.price(List.of(new Line("SKU-1", 2), new Line("SKU-2", 1), new Line("SKU-3", 4)),
                prices);

        assertThat(cart.lines()).containsExactly(
                new PricedLine("SKU-1", "One", 2, 1000, 2000, true, null),
                new PricedLine("SKU-2", "Two", 1, 250, 250, false, null),
                new PricedLine("SKU-3", "SKU-3", 4, 0, 0, false, null));
        assertThat(cart.subtotalCents()).isEqualTo(2000);
        assertThat(cart.taxCents()).isEqualTo(120);
        assertThat(cart.totalCents()).isEqualTo(2120);
    }

    @Test
    void aCartOfDiscontinuedLinesOnly_totalsZero() {
        PricedCart cart = Pricing.price(List.of(new Line("SKU-2", 3, 250L)),
                new PriceList(Map.of("SKU-2", new Product.Discontinued("SKU-2", "Two", 250))));

        assertThat(cart.lines()).hasSize(1);
        assertThat(cart.subtotalCents()).isZero();
        assertThat(cart.taxCents()).isZero();
        assertThat(cart.totalCents()).isZero();
    }

    @Test
    void aLineWhosePriceChangedSinceItWasAdded_saysWhatItWas() {
        PriceList prices = new PriceList(Map.of(
                "SKU-1", new Product.OnSale("SKU-1", "One", 1200),
                "SKU-2", new Product.OnSale("SKU-2", "Two", 250),
                "SKU-3", new Product.Discontinued("SKU-3", "Three", 90)));

        PricedCart cart = Pricing.price(List.of(new Line("SKU-1", 1, 1000L), new Line("SKU-2", 1, 250L),
                new Line("SKU-3", 1, 100L), new Line("SKU-4", 1, 500L), new Line("SKU-5", 1, null)), prices);

        assertThat(cart.lines()).extracting(PricedLine::previousUnitPriceCents)
                .containsExactly(1000L, null, 100L, null, null);   // raised, unchanged, cut, unknown, not recorded
        assertThat(cart.subtotalCents()).as("at today's prices").isEqualTo(1450);
    }
}
