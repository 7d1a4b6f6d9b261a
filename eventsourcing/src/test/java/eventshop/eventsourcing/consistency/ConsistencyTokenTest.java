package eventshop.eventsourcing.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code Consistency-Token} format: {@code <source>:<position>[@<stream, percent-encoded>]}, strictly. */
class ConsistencyTokenTest {

    @Nested
    class Format {

        @Test
        void aTokenWithoutStream_isWrittenAsBefore_andStaysValid() {
            ConsistencyToken token = ConsistencyToken.parse("carts:1234");

            assertThat(token).isEqualTo(new ConsistencyToken("carts", 1234));
            assertThat(token.stream()).isNull();
            assertThat(token.toString()).isEqualTo("carts:1234");
        }

        @Test
        void aPlainStream_isWrittenAsItIs() {
            ConsistencyToken token = new ConsistencyToken("carts", 1234, "cart-7f3a_b.c~d");

            assertThat(token.toString()).isEqualTo("carts:1234@cart-7f3a_b.c~d");
            assertThat(ConsistencyToken.parse(token.toString())).isEqualTo(token);
        }

        @Test
        void everyOtherCharacter_isPercentEncodedAsUtf8_inUpperCaseHex() {
            ConsistencyToken token = new ConsistencyToken("orders", 7, "a b@c:d%e/é");

            assertThat(token.toString()).isEqualTo("orders:7@a%20b%40c%3Ad%25e%2F%C3%A9");
        }

        @Test
        void minusOne_withAStream_isValid() {
            assertThat(ConsistencyToken.parse("carts:-1@cart-x")).isEqualTo(new ConsistencyToken("carts", -1, "cart-x"));
        }

        @Test
        void surroundingBlanks_areIgnored() {
            assertThat(ConsistencyToken.parse("  carts:5@cart-x \t")).isEqualTo(new ConsistencyToken("carts", 5, "cart-x"));
        }
    }

    @Nested
    class RoundTrips {

        @Test
        void oddStreamIds_comeBackExactly() {
            List<String> streams = List.of("cart-3f2e1d", "product-SKU-24642", "a b", "x@y", "x:y:z", "100%",
                    "%41", "plus+sign", "slash/and\\back", "quote\"'", "tab\tnew\nline", "nul\u0000byte", "ümlaut",
                    "日本語", "emoji-\uD83D\uDE00", "?&=#", "-", "~", "@", "%", "a".repeat(200),
                    "\uD83D\uDE00".repeat(100));

            for (String stream : streams) {
                ConsistencyToken token = new ConsistencyToken("svc-1", 42, stream);
                String header = token.toString();

                assertThat(header).as(stream).matches("[\\x21-\\x7E]+");
                assertThat(ConsistencyToken.parse(header)).as(stream).isEqualTo(token);
                assertThat(ConsistencyToken.parse(header).stream()).as(stream).isEqualTo(stream);
            }
        }
    }

    @Nested
    class Strictness {

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "carts", "carts:", ":5", "carts:x", "carts:-2", "carts:1.5", "Carts:1",
                "carts:+1", "carts:1234567890123456789", "carts:5@", "carts:5@@x", "carts:5@a b", "carts:5@a%2",
                "carts:5@a%", "carts:5@%zz", "carts:5@%c3%a9", "carts:5@%41", "carts:5@%2d", "carts:5@%FF",
                "carts:5@%C3", "carts:5@%ED%A0%80", "carts:5@x:y", "carts:5@x/y", "carts:5@é", "carts:5@x@y",
                "carts:5 @x", "carts :5", "carts:5;x"})
        void malformedTokens_areInvalid(String header) {
            assertThatThrownBy(() -> ConsistencyToken.parse(header)).isInstanceOf(InvalidConsistencyToken.class);
        }

        @Test
        void aNullHeader_isInvalid() {
            assertThatThrownBy(() -> ConsistencyToken.parse(null)).isInstanceOf(InvalidConsistencyToken.class);
        }

        @Test
        void aStreamLongerThanAStreamId_isInvalid() {
            assertThatThrownBy(() -> ConsistencyToken.parse("carts:5@" + "a".repeat(201)))
                    .isInstanceOf(InvalidConsistencyToken.class);
            assertThatThrownBy(() -> new ConsistencyToken("carts", 5, "a".repeat(201)))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void anEmptyStream_orALoneSurrogate_cannotBeMade() {
            assertThatThrownBy(() -> new ConsistencyToken("carts", 5, "")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new ConsistencyToken("carts", 5, "x\uD800"))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void theProblemSaysWhatATokenLooksLike() {
            assertThatThrownBy(() -> ConsistencyToken.parse("soon"))
                    .hasMessageContaining("<service>:<position>@<stream>");
        }
    }
}
