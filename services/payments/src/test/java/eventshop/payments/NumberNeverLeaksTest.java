package eventshop.payments;

import static eventshop.payments.Fixtures.authorizeJson;
import static eventshop.payments.Fixtures.command;
import static eventshop.payments.Fixtures.context;
import static eventshop.payments.Fixtures.newCustomer;
import static eventshop.payments.Fixtures.newOrder;
import static eventshop.payments.Fixtures.orderJson;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.payments.PaymentCommand.CapturePayment;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.RecordedEvent;
import eventshop.payments.payment.Payments;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.Message;

/**
 * DESIGN §6: the full card number never leaves payments and appears in no event, log line or read
 * model. The test cards are tokenized (and some numbers refused), payments authorized, captured,
 * declined; then every stored event (data and metadata), the whole H2 database ({@code SCRIPT}) and
 * everything logged meanwhile, with the web and the service's loggers at DEBUG, are searched for
 * each number, with and without separators.
 */
@PaymentsTest
@ExtendWith(OutputCaptureExtension.class)
class NumberNeverLeaksTest extends ApiSupport {

    static final List<String> NUMBERS = List.of("4242424242424242", "4000000000000002", "4000000000009995",
            "5555555555554444", "378282246310005");
    /** Refused numbers: a wrong check digit, and a good number with an expired date. */
    static final String BAD_CHECK_DIGIT = "4242424242424241";
    static final String EXPIRED = "6011111111111117";

    @Autowired
    @Qualifier("paymentCommands")
    Consumer<Message<byte[]>> paymentCommands;
    @Autowired
    Payments payments;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theNumber_isInNoEvent_noTable_noLogLine_noAnswer(CapturedOutput output) {
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        logging.setLogLevel("eventshop", LogLevel.DEBUG);
        logging.setLogLevel("org.springframework.web", LogLevel.DEBUG);
        logging.setLogLevel("org.springframework.security", LogLevel.DEBUG);
        List<String> answers = new ArrayList<>();
        try {
            // given: the cards, tokenized with separators, and two refused
            EdgeUser ada = newCustomer();
            List<String> tokens = new ArrayList<>();
            for (String number : NUMBERS) {
                var result = post(ada, "/api/payments/tokens",
                        card(number.substring(0, 4) + " " + number.substring(4, 8) + "-" + number.substring(8), 12,
                                2030, "1234"));
                assertThat(result).hasStatus(HttpStatus.CREATED);
                answers.add(text(result));
                tokens.add(body(result).get("token").asString());
            }
            var badCheck = post(ada, "/api/payments/tokens", card(BAD_CHECK_DIGIT, 12, 2030, "123"));
            var expired = post(ada, "/api/payments/tokens", card(EXPIRED, 1, 2021, "123"));
            var wrongType = post(ada, "/api/payments/tokens",
                    "{\"number\":" + BAD_CHECK_DIGIT + ",\"expMonth\":1,\"expYear\":2030,\"cvc\":\"123\"}");
            assertThat(badCheck).hasStatus(HttpStatus.UNPROCESSABLE_CONTENT);
            assertThat(expired).hasStatus(HttpStatus.UNPROCESSABLE_CONTENT);
            assertThat(wrongType).hasStatus(HttpStatus.BAD_REQUEST);
            answers.add(text(badCheck));
            answers.add(text(expired));
            answers.add(text(wrongType));

            // when: each card pays for an order, through the command consumer, and the approved ones are captured
            String last = null;
            for (String token : tokens) {
                String order = newOrder();
                paymentCommands.accept(command(UUID.randomUUID(), "AuthorizePayment",
                        authorizeJson(order, ada.id(), token, 1999)));
                paymentCommands.accept(command(UUID.randomUUID(), "CapturePayment", orderJson(order)));
                last = order;
            }
            String consistency = payments.handle(new CapturePayment(last), context()).token().toString();
            for (String uri : List.of("/api/payments", "/api/payments/tokens", "/api/payments/" + last)) {
                var read = get(ada, uri, consistency);
                assertThat(read).hasStatus(HttpStatus.OK);
                answers.add(text(read));
            }
            assertThat(String.join("\n", answers)).contains("4242", "0002", "9995", "4444", "0005");
        } finally {
            logging.setLogLevel("eventshop", null);
            logging.setLogLevel("org.springframework.web", null);
            logging.setLogLevel("org.springframework.security", null);
        }

        // then
        String events = storedEvents();
        String database = String.join("\n", jdbc.queryForList("SCRIPT", String.class));
        assertThat(events).contains("CardTokenized", "PaymentAuthorized", "PaymentCaptured", "PaymentDeclined");
        assertThat(database).containsIgnoringCase("card_tokens").contains("4242");
        assertThat(output.getAll()).contains("tokenized a VISA card ending 4242");
        for (String number : allNumbers()) {
            for (String form : forms(number)) {
                assertThat(events).as("stored events").doesNotContain(form);
                assertThat(database).as("H2 database").doesNotContain(form);
                assertThat(output.getAll()).as("log output").doesNotContain(form);
                assertThat(String.join("\n", answers)).as("HTTP answers").doesNotContain(form);
            }
        }
    }

    private static List<String> allNumbers() {
        List<String> all = new ArrayList<>(NUMBERS);
        all.add(BAD_CHECK_DIGIT);
        all.add(EXPIRED);
        return all;
    }

    /** The number as sent, and the longest runs of it that would give it away (all but the last four). */
    private static List<String> forms(String number) {
        return List.of(number, number.substring(0, 4) + " " + number.substring(4, 8),
                number.substring(4, 8) + "-" + number.substring(8), number.substring(0, number.length() - 4));
    }

    /** Every event in the store, data and metadata, as text. */
    private String storedEvents() {
        StringBuilder text = new StringBuilder();
        long from = 0;
        while (true) {
            List<RecordedEvent> page = store.readAll(from, 1000).collectList().block();
            if (page == null || page.isEmpty()) {
                return text.toString();
            }
            for (RecordedEvent event : page) {
                text.append(event.type()).append(' ').append(event.streamId()).append(' ')
                        .append(new String(event.data(), StandardCharsets.UTF_8)).append(' ')
                        .append(event.metadata()).append('\n');
            }
            from = page.getLast().position() + 1;
        }
    }
}
