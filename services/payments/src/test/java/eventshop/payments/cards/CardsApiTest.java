package eventshop.payments.cards;

import static eventshop.payments.Fixtures.newCustomer;
import static eventshop.payments.Fixtures.recorded;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.RecordedEvent;
import eventshop.payments.ApiSupport;
import eventshop.payments.PaymentsTest;
import eventshop.payments.cards.domain.Card;
import eventshop.payments.cards.domain.CardBehaviour;
import eventshop.payments.cards.domain.CardEvent;
import eventshop.payments.cards.domain.CardEvent.CardTokenized;
import eventshop.eventsourcing.decider.JsonEventCodec;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/** {@code /api/payments/tokens} over HTTP with the edge-token security. */
@PaymentsTest
class CardsApiTest extends ApiSupport {

    static final JsonEventCodec<CardEvent> CARD_EVENTS = JsonEventCodec.of(CardEvent.class);
    static final String VISA = "4242424242424242";

    @Nested
    class Tokenizing {

        @Test
        void aGoodCard_is201_withTokenBrandLastFourAndExpiry_andStoresOnlyThat() {
            EdgeUser me = newCustomer();

            MvcTestResult result = post(me, "/api/payments/tokens", card("4242 4242-4242 4242", 7, 2031, "314"));

            assertThat(result).hasStatus(HttpStatus.CREATED);
            JsonNode body = body(result);
            String token = body.get("token").asString();
            assertThat(token).matches(Card.TOKEN);
            assertThat(body.get("brand").asString()).isEqualTo("VISA");
            assertThat(body.get("last4").asString()).isEqualTo("4242");
            assertThat(body.get("expMonth").asInt()).isEqualTo(7);
            assertThat(body.get("expYear").asInt()).isEqualTo(2031);
            assertThat(body.size()).isEqualTo(5);
            assertThat(result.getResponse().getHeader(HttpHeaders.LOCATION)).isEqualTo("/api/payments/tokens/" + token);
            assertThat(result.getResponse().getHeader("Consistency-Token")).isNotBlank();
            assertThat(text(result)).doesNotContain(VISA).doesNotContain("314");

            List<RecordedEvent> stored = recorded(store, Card.streamId(token));
            assertThat(stored).hasSize(1);
            assertThat(stored.getFirst().type()).isEqualTo("CardTokenized");
            assertThat(stored.getFirst().metadata().actingUser()).isEqualTo(me.id());
            assertThat(CARD_EVENTS.deserialize("CardTokenized", stored.getFirst().data(), 1))
                    .isEqualTo(new CardTokenized(token, me.id(), "VISA", "4242", 7, 2031, CardBehaviour.APPROVE));
        }

        @ParameterizedTest
        @CsvSource({"4242424242424242, APPROVE", "4000000000000002, DECLINE",
                "4000000000009995, DECLINE_INSUFFICIENT_FUNDS", "5555555555554444, APPROVE"})
        void theProcessorsVerdict_isKeptWithTheToken(String number, CardBehaviour behaviour) {
            String token = tokenOf(newCustomer(), number);

            CardTokenized stored = (CardTokenized) CARD_EVENTS.deserialize("CardTokenized",
                    recorded(store, Card.streamId(token)).getFirst().data(), 1);
            assertThat(stored.behaviour()).isEqualTo(behaviour);
            assertThat(stored.last4()).isEqualTo(number.substring(12));
        }

        @Test
        void aCardExpiringThisMonth_isAccepted() {
            YearMonth now = YearMonth.now(ZoneOffset.UTC);
            assertThat(post(newCustomer(), "/api/payments/tokens",
                    card(VISA, now.getMonthValue(), now.getYear(), "1234"))).hasStatus(HttpStatus.CREATED);
        }

        @Test
        void everyTokenIsNew_evenForTheSameCard() {
            EdgeUser me = newCustomer();
            assertThat(tokenOf(me, VISA)).isNotEqualTo(tokenOf(me, VISA));
        }
    }

    @Nested
    class Listing {

        @Test
        void aCustomerSeesOwnCardsOnly_newestFirst_andNeverANumber() {
            EdgeUser me = newCustomer();
            EdgeUser other = newCustomer();
            String first = tokenOf(me, VISA);
            tokenOf(other, VISA);
            MvcTestResult second = tokenize(me, "5555 5555 5555 4444");
            String consistency = second.getResponse().getHeader("Consistency-Token");

            MvcTestResult mine = get(me, "/api/payments/tokens", consistency);

            assertThat(mine).hasStatus(HttpStatus.OK);
            JsonNode cards = body(mine);
            assertThat(cards).hasSize(2);
            assertThat(cards.get(0).get("token").asString()).isEqualTo(body(second).get("token").asString());
            assertThat(cards.get(0).get("brand").asString()).isEqualTo("MASTERCARD");
            assertThat(cards.get(1).get("token").asString()).isEqualTo(first);
            assertThat(text(mine)).doesNotContain(VISA).doesNotContain("5555555555554444");
        }

        @Test
        void oneCard_isTheOwnersOnly_anotherCustomersIs404() {
            EdgeUser me = newCustomer();
            MvcTestResult created = tokenize(me, VISA);
            String token = body(created).get("token").asString();
            String consistency = created.getResponse().getHeader("Consistency-Token");

            assertThat(get(me, "/api/payments/tokens/" + token, consistency)).hasStatus(HttpStatus.OK)
                    .bodyJson().extractingPath("$.last4").isEqualTo("4242");
            // it links itself only: a card takes no command over HTTP, and its log is payments' own
            assertThat(body(get(me, "/api/payments/tokens/" + token, consistency)).get("_links").propertyNames())
                    .containsExactly("self");
            assertThat(body(get(me, "/api/payments/tokens/" + token, consistency)).at("/_links/self/href").asString())
                    .isEqualTo("/api/payments/tokens/" + token);
            assertThat(get(newCustomer(), "/api/payments/tokens/" + token, consistency))
                    .hasStatus(HttpStatus.NOT_FOUND);
            assertThat(get(me, "/api/payments/tokens/tok_" + "0".repeat(32), consistency))
                    .hasStatus(HttpStatus.NOT_FOUND);
            assertThat(get(me, "/api/payments/tokens/not-a-token")).hasStatus(HttpStatus.BAD_REQUEST);
        }
    }

    @Nested
    class Refusing {

        static Stream<Arguments> badCards() {
            return Stream.of(
                    Arguments.of("{\"number\":", HttpStatus.BAD_REQUEST, null),
                    Arguments.of("[]", HttpStatus.BAD_REQUEST, null),
                    Arguments.of("{\"expMonth\":12,\"expYear\":2030,\"cvc\":\"123\"}", HttpStatus.BAD_REQUEST, null),
                    Arguments.of("{\"number\":\"" + VISA + "\",\"expYear\":2030,\"cvc\":\"123\"}", HttpStatus.BAD_REQUEST, null),
                    Arguments.of("{\"number\":\"" + VISA + "\",\"expMonth\":12,\"cvc\":\"123\"}", HttpStatus.BAD_REQUEST, null),
                    Arguments.of("{\"number\":\"" + VISA + "\",\"expMonth\":12,\"expYear\":2030}", HttpStatus.BAD_REQUEST, null),
                    Arguments.of("{\"number\":" + VISA + ",\"expMonth\":12,\"expYear\":2030,\"cvc\":\"123\"}", HttpStatus.BAD_REQUEST, null),
                    Arguments.of("{\"number\":\"" + VISA + "\",\"expMonth\":\"12\",\"expYear\":2030,\"cvc\":\"123\"}", HttpStatus.BAD_REQUEST, null),
                    Arguments.of("{\"number\":\"" + VISA + "\",\"expMonth\":1.5,\"expYear\":2030,\"cvc\":\"123\"}", HttpStatus.BAD_REQUEST, null),
                    Arguments.of("{\"number\":\"" + VISA + "\",\"expMonth\":12,\"expYear\":2030,\"cvc\":123}", HttpStatus.BAD_REQUEST, null),
                    Arguments.of("{\"number\":[\"" + VISA + "\"],\"expMonth\":12,\"expYear\":2030,\"cvc\":\"123\"}", HttpStatus.BAD_REQUEST, null),
                    Arguments.of(card("4242424242424241", 12, 2030, "123"), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-card-number"),
                    Arguments.of(card("4242 4242 4242 424x", 12, 2030, "123"), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-card-number"),
                    Arguments.of(card("42424242424", 12, 2030, "123"), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-card-number"),
                    Arguments.of(card("42424242424242424242", 12, 2030, "123"), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-card-number"),
                    Arguments.of(card("", 12, 2030, "123"), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-card-number"),
                    Arguments.of(card("4242".repeat(1000), 12, 2030, "123"), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-card-number"),
                    Arguments.of(card(VISA, 13, 2030, "123"), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-expiry"),
                    Arguments.of(card(VISA, 0, 2030, "123"), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-expiry"),
                    Arguments.of(card(VISA, 12, 30, "123"), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-expiry"),
                    Arguments.of(card(VISA, 12, 9999, "123"), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-expiry"),
                    Arguments.of(card(VISA, 12, 2020, "123"), HttpStatus.UNPROCESSABLE_CONTENT, "card-expired"),
                    Arguments.of(card(VISA, 12, 2030, "12"), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-cvc"),
                    Arguments.of(card(VISA, 12, 2030, "12345"), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-cvc"),
                    Arguments.of(card(VISA, 12, 2030, "abc"), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-cvc"),
                    Arguments.of("{\"number\":\"" + VISA + "\",\"expMonth\":12,\"expYear\":2030,\"cvc\":\"123\",\"pad\":\""
                            + "x".repeat(70_000) + "\"}", HttpStatus.CONTENT_TOO_LARGE, "payload-too-large"));
        }

        @ParameterizedTest
        @MethodSource("badCards")
        void isAProblem_thatStoresNothing_andNeverEchoesTheNumber(String body, HttpStatus status, String type) {
            long head = store.headPosition();

            MvcTestResult result = post(newCustomer(), "/api/payments/tokens", body);

            assertRefused(head, result, status, type);
            assertThat(text(result)).doesNotContain("4242424242");
        }

        @Test
        void withoutAToken_is401_andForAnAdminOrTheAnonymousCaller_401Or403() {
            long head = store.headPosition();

            assertRefused(head, mvc.post().uri("/api/payments/tokens").contentType(MediaType.APPLICATION_JSON)
                    .content(card(VISA, 12, 2030, "123")).exchange(), HttpStatus.UNAUTHORIZED, "unauthorized");
            assertRefused(head, post(EdgeUser.ANONYMOUS, "/api/payments/tokens", card(VISA, 12, 2030, "123")),
                    HttpStatus.UNAUTHORIZED, "unauthorized");
            assertRefused(head, post(EdgeUser.admin("acc-admin", "admin@example.com"), "/api/payments/tokens",
                    card(VISA, 12, 2030, "123")), HttpStatus.FORBIDDEN, "forbidden");
            assertRefused(head, mvc.get().uri("/api/payments/tokens").exchange(), HttpStatus.UNAUTHORIZED,
                    "unauthorized");
        }

        @Test
        void notJson_is415() {
            long head = store.headPosition();
            assertRefused(head, mvc.post().uri("/api/payments/tokens")
                    .header(HttpHeaders.AUTHORIZATION, bearer(newCustomer())).contentType(MediaType.TEXT_PLAIN)
                    .content(VISA).exchange(), HttpStatus.UNSUPPORTED_MEDIA_TYPE, null);
        }
    }
}
