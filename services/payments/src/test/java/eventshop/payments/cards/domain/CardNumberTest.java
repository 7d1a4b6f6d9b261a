package eventshop.payments.cards.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.payments.cards.domain.CardErrors.InvalidCardNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CardNumberTest {

    @ParameterizedTest
    @CsvSource({
            "4242424242424242, VISA, 4242, APPROVE",
            "4242 4242 4242 4242, VISA, 4242, APPROVE",
            "4242-4242-4242-4242, VISA, 4242, APPROVE",
            "4000000000000002, VISA, 0002, DECLINE",
            "4000 0000 0000 9995, VISA, 9995, DECLINE_INSUFFICIENT_FUNDS",
            "5555555555554444, MASTERCARD, 4444, APPROVE",
            "2223003122003222, MASTERCARD, 3222, APPROVE",
            "378282246310005, AMEX, 0005, APPROVE",
            "6011111111111117, DISCOVER, 1117, APPROVE",
            "3566002020360505, UNKNOWN, 0505, APPROVE",
            "4222222222222, VISA, 2222, APPROVE",
            "6011000990139424, DISCOVER, 9424, APPROVE"
    })
    void aValidNumber_hasItsBrandLastFourAndBehaviour(String raw, String brand, String last4, CardBehaviour behaviour) {
        CardNumber number = CardNumber.parse(raw);

        assertThat(number.brand()).isEqualTo(brand);
        assertThat(number.last4()).isEqualTo(last4);
        assertThat(SimulatedProcessor.behaviourOf(number)).isEqualTo(behaviour);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4242424242424241", "4000000000000001", "5555555555554443", "1234567890123"})
    void aWrongCheckDigit_isInvalid(String raw) {
        assertThatThrownBy(() -> CardNumber.parse(raw)).isInstanceOf(InvalidCardNumber.class)
                .hasMessageNotContaining(raw).hasMessageContaining("check digit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "42424242424", "42424242424242424242", "4242.4242.4242.4242", "4242424242424242x",
            "４２４２４２４２４２４２４２４２", "4242_4242_4242_4242", "           "})
    void notTwelveToNineteenDigits_isInvalid_andTheMessageNeverQuotesIt(String raw) {
        assertThatThrownBy(() -> CardNumber.parse(raw)).isInstanceOf(InvalidCardNumber.class)
                .satisfies(error -> assertThat(error.getMessage()).doesNotContain("4242"));
    }

    @Test
    void nullAndHugeInput_areInvalid() {
        assertThatThrownBy(() -> CardNumber.parse(null)).isInstanceOf(InvalidCardNumber.class);
        assertThatThrownBy(() -> CardNumber.parse("4".repeat(100_000))).isInstanceOf(InvalidCardNumber.class);
        assertThatThrownBy(() -> CardNumber.parse("4242 4242 4242 4242" + " ".repeat(30)))
                .isInstanceOf(InvalidCardNumber.class);
    }

    @Test
    void toString_masksAllButTheLastFour() {
        CardNumber number = CardNumber.parse("4242 4242 4242 4242");

        assertThat(number.toString()).isEqualTo("************4242");
        assertThat(number).isEqualTo(CardNumber.parse("4242424242424242"));
    }
}
