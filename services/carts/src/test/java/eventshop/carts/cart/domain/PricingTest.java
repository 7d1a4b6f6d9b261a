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
    void price_showsDiscontinuedAtTheirLastPrice_andUnknownAtZero_bothUnavailable() {
        PriceList prices = new PriceList(Map.of(
                "SKU-1", new Product.OnSale("SKU-1", "One", 1000),
                "SKU-2", new Product.Discontinued("SKU-2", "Two", 250)));

        PricedCart cart = Pricing.price(List.of(new Line("SKU-1", 2), new Line("SKU-2", 1), new Line("SKU-3", 4)),
                prices);

        assertThat(cart.lines()).containsExactly(
                new PricedLine("SKU-1", "One", 2, 1000, 2000, true),
                new PricedLine("SKU-2", "Two", 1, 250, 250, false),
                new PricedLine("SKU-3", "SKU-3", 4, 0, 0, false));
        assertThat(cart.subtotalCents()).isEqualTo(2250);
        assertThat(cart.taxCents()).isEqualTo(135);
        assertThat(cart.totalCents()).isEqualTo(2385);
    }
}
