package eventshop.payments.payment;

import static eventshop.payments.Fixtures.context;
import static eventshop.payments.Fixtures.newCustomer;
import static eventshop.payments.Fixtures.newOrder;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.payments.PaymentCommand.AuthorizePayment;
import eventshop.contracts.payments.PaymentCommand.CapturePayment;
import eventshop.contracts.payments.PaymentCommand.VoidPayment;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.payments.ApiSupport;
import eventshop.payments.PaymentsTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/** {@code /api/payments}: a payment is its customer's (and the admins'), nobody else's. */
@PaymentsTest
class PaymentsApiTest extends ApiSupport {

    static final EdgeUser ADMIN = EdgeUser.admin("acc-admin", "admin@example.com");

    @Autowired
    Payments payments;

    /** Authorizes (and captures, if asked) an order's payment; answers the consistency token. */
    String paid(EdgeUser customer, String order, String number, long cents, boolean capture) {
        String token = tokenOf(customer, number);
        var result = payments.handle(new AuthorizePayment(order, customer.id(), token, cents), context());
        if (capture) {
            result = payments.handle(new CapturePayment(order), context());
        }
        return result.token().toString();
    }

    @Test
    void theCustomer_seesTheirPayment_withStatusAmountAndCard() {
        EdgeUser ada = newCustomer();
        String order = newOrder();
        String consistency = paid(ada, order, "4242424242424242", 1250, true);

        MvcTestResult result = get(ada, "/api/payments/" + order, consistency);

        assertThat(result).hasStatus(HttpStatus.OK);
        JsonNode body = body(result);
        assertThat(body.get("orderId").asString()).isEqualTo(order);
        assertThat(body.get("status").asString()).isEqualTo("CAPTURED");
        assertThat(body.get("amountCents").asLong()).isEqualTo(1250);
        assertThat(body.get("brand").asString()).isEqualTo("VISA");
        assertThat(body.get("last4").asString()).isEqualTo("4242");
        assertThat(body.get("declineReason").isNull()).isTrue();
    }

    @Test
    void aDeclinedPayment_showsItsReason() {
        EdgeUser ada = newCustomer();
        String order = newOrder();
        String consistency = paid(ada, order, "4000000000009995", 1250, false);

        JsonNode body = body(get(ada, "/api/payments/" + order, consistency));

        assertThat(body.get("status").asString()).isEqualTo("DECLINED");
        assertThat(body.get("declineReason").asString()).isEqualTo("INSUFFICIENT_FUNDS");
    }

    @Test
    void anotherCustomersPayment_is404_butAnAdminSeesIt() {
        EdgeUser ada = newCustomer();
        String order = newOrder();
        String consistency = paid(ada, order, "4242424242424242", 700, false);

        assertThat(get(newCustomer(), "/api/payments/" + order, consistency)).hasStatus(HttpStatus.NOT_FOUND)
                .bodyJson().extractingPath("$.type").isEqualTo("/problems/payment-not-found");
        assertThat(get(ADMIN, "/api/payments/" + order, consistency)).hasStatus(HttpStatus.OK)
                .bodyJson().extractingPath("$.status").isEqualTo("AUTHORIZED");
        assertThat(get(ada, "/api/payments/" + newOrder(), consistency)).hasStatus(HttpStatus.NOT_FOUND);
    }

    @Test
    void theList_isTheCustomersOwn_newestFirst_andEveryonesForAnAdmin() {
        EdgeUser ada = newCustomer();
        String first = newOrder();
        String second = newOrder();
        paid(ada, first, "4242424242424242", 100, false);
        paid(newCustomer(), newOrder(), "4242424242424242", 100, false);
        String consistency = payments.handle(new VoidPayment(first), context()).token().toString();
        consistency = paid(ada, second, "4000000000000002", 200, false);

        JsonNode mine = body(get(ada, "/api/payments", consistency));
        assertThat(mine.get("total").asLong()).isEqualTo(2);
        assertThat(mine.get("items").get(0).get("orderId").asString()).isEqualTo(second);
        assertThat(mine.get("items").get(1).get("status").asString()).isEqualTo("VOIDED");

        JsonNode all = body(get(ADMIN, "/api/payments?size=500", consistency));
        assertThat(all.get("total").asLong()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void refusals_are401_403Or400() {
        long head = store.headPosition();
        assertRefused(head, mvc.get().uri("/api/payments/" + newOrder()).exchange(), HttpStatus.UNAUTHORIZED,
                "unauthorized");
        assertRefused(head, get(EdgeUser.ANONYMOUS, "/api/payments"), HttpStatus.UNAUTHORIZED, "unauthorized");
        assertRefused(head, get(new EdgeUser("svc", "", java.util.Set.of("EDGE")), "/api/payments/o-1"),
                HttpStatus.FORBIDDEN, "forbidden");
        assertRefused(head, get(newCustomer(), "/api/payments/" + "o".repeat(101)), HttpStatus.BAD_REQUEST, null);
        assertRefused(head, get(newCustomer(), "/api/payments?size=0"), HttpStatus.BAD_REQUEST, null);
        assertRefused(head, get(newCustomer(), "/api/payments?page=x"), HttpStatus.BAD_REQUEST, null);
    }

    @Test
    void thePayment_linksItselfItsEventsAndItsOrder_andNoCommand() {
        EdgeUser ada = newCustomer();
        String order = newOrder();
        String consistency = paid(ada, order, "4242424242424242", 1250, true);

        MvcTestResult result = get(ada, "/api/payments/" + order, consistency);

        assertThat(result.getResponse().getContentType()).startsWith("application/hal+json");
        JsonNode links = body(result).get("_links");
        assertThat(links.propertyNames()).containsExactly("self", "events", "order");
        assertThat(links.at("/self/href").asString()).isEqualTo("/api/payments/" + order);
        assertThat(links.at("/events/href").asString()).isEqualTo("/api/payments/" + order + "/events");
        assertThat(links.at("/order/href").asString()).isEqualTo("/api/orders/" + order);
    }

    @Test
    void theEvents_areTheCustomersAndAnAdmins_anotherCustomer404_noToken401() {
        EdgeUser ada = newCustomer();
        String order = newOrder();
        String consistency = paid(ada, order, "4242424242424242", 1250, true);
        String events = body(get(ada, "/api/payments/" + order, consistency)).at("/_links/events/href").asString();

        JsonNode log = body(get(ada, events, consistency));

        assertThat(log).extracting(event -> event.get("type").asString())
                .containsExactly("PaymentAuthorized", "PaymentCaptured");
        assertThat(log.get(0).propertyNames()).containsExactly("type", "version", "position", "recordedAt", "data");
        assertThat(log.get(0).at("/data/amountCents").asLong()).isEqualTo(1250);
        assertThat(body(get(ADMIN, events, consistency))).isEqualTo(log);
        long head = store.headPosition();
        assertRefused(head, get(newCustomer(), events, consistency), HttpStatus.NOT_FOUND, "payment-not-found");
        assertRefused(head, get(ada, "/api/payments/" + newOrder() + "/events", consistency), HttpStatus.NOT_FOUND,
                "payment-not-found");
        assertRefused(head, mvc.get().uri(events).exchange(), HttpStatus.UNAUTHORIZED, "unauthorized");
        assertRefused(head, get(ada, events + "?limit=1001"), HttpStatus.BAD_REQUEST, null);
        assertThat(log.toString()).doesNotContain("4242424242424242");
    }
}
