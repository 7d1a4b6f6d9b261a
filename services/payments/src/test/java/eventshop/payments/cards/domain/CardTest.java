package eventshop.payments.cards.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventsourcing.testing.DeciderFixture;
import eventshop.payments.cards.domain.CardErrors.CardExpired;
import eventshop.payments.cards.domain.CardErrors.InvalidCvc;
import eventshop.payments.cards.domain.CardErrors.InvalidExpiry;
import eventshop.payments.cards.domain.CardErrors.TokenTaken;
import eventshop.payments.cards.domain.CardEvent.CardTokenized;
import java.time.YearMonth;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CardTest {

    static final String TOKEN = "tok_0123456789abcdef0123456789abcdef";
    static final YearMonth NOW = YearMonth.of(2026, 3);
    static final CardOnFile CARD = new CardOnFile(TOKEN, "acc-ada", "VISA", "4242", YearMonth.of(2028, 12),
            CardBehaviour.APPROVE);

    final DeciderFixture<Card.Command, CardEvent, Card.State> card = DeciderFixture.of(Card.DECIDER);

    @Nested
    class Tokenizing {

        @Test
        void aNewToken_recordsTheCard_withoutAnyNumber() {
            card.when(new Card.Tokenize(CARD))
                    .then(new CardTokenized(TOKEN, "acc-ada", "VISA", "4242", 12, 2028, CardBehaviour.APPROVE));
        }

        @Test
        void aTakenToken_isRefused() {
            card.given(new CardTokenized(TOKEN, "acc-bob", "VISA", "1111", 1, 2030, CardBehaviour.DECLINE))
                    .when(new Card.Tokenize(CARD)).thenError(TokenTaken.class);
        }

        @Test
        void theStateIsTheCardOnFile() {
            assertThat(card.given(new CardTokenized(TOKEN, "acc-ada", "VISA", "4242", 12, 2028, CardBehaviour.APPROVE))
                    .state()).isEqualTo(new Card.Tokenized(CARD));
        }
    }

    @Nested
    class Expiry {

        @Test
        void thisMonthAndLater_areGood() {
            assertThat(Card.expiry(3, 2026, NOW)).isEqualTo(NOW);
            assertThat(Card.expiry(1, 2027, NOW)).isEqualTo(YearMonth.of(2027, 1));
            assertThat(Card.expiry(12, 2046, NOW)).isEqualTo(YearMonth.of(2046, 12));
        }

        @Test
        void lastMonthOrEarlier_hasExpired() {
            assertThatThrownBy(() -> Card.expiry(2, 2026, NOW)).isInstanceOf(CardExpired.class);
            assertThatThrownBy(() -> Card.expiry(12, 2025, NOW)).isInstanceOf(CardExpired.class);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 13, -1, Integer.MAX_VALUE})
        void aMonthOutside1To12_isInvalid(int month) {
            assertThatThrownBy(() -> Card.expiry(month, 2027, NOW)).isInstanceOf(InvalidExpiry.class);
        }

        @ParameterizedTest
        @ValueSource(ints = {27, 0, -2027, 2047, Integer.MAX_VALUE})
        void anImplausibleYear_isInvalid(int year) {
            assertThatThrownBy(() -> Card.expiry(5, year, NOW)).isInstanceOf(InvalidExpiry.class);
        }

        @Test
        void aCardIsGoodThroughItsExpiryMonth() {
            assertThat(CARD.expiredIn(YearMonth.of(2028, 12))).isFalse();
            assertThat(CARD.expiredIn(YearMonth.of(2029, 1))).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"123", "0000", "9876"})
    void aCvcOf3Or4Digits_isGood(String cvc) {
        Card.checkCvc(cvc);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12", "12345", "12a", " 123", "１２３"})
    void anyOtherCvc_isInvalid(String cvc) {
        assertThatThrownBy(() -> Card.checkCvc(cvc)).isInstanceOf(InvalidCvc.class);
        assertThatThrownBy(() -> Card.checkCvc(null)).isInstanceOf(InvalidCvc.class);
    }

    @Test
    void tokens() {
        assertThat(Card.isToken(TOKEN)).isTrue();
        assertThat(Card.isToken("tok_0123")).isFalse();
        assertThat(Card.isToken("../card-x")).isFalse();
        assertThat(Card.isToken(null)).isFalse();
        assertThat(Card.streamId(TOKEN)).isEqualTo("card-" + TOKEN);
    }
}
