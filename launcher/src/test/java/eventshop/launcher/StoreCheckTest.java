package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@link StoreCheck}'s verdicts over logs made up for the purpose: each invariant held, and each one broken. */
class StoreCheckTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<StoreCheck.Event> log = new ArrayList<>();

    private void append(String stream, String type, Map<String, Object> data) {
        long version = log.stream().filter(event -> event.streamId().equals(stream)).count();
        log.add(new StoreCheck.Event(log.size(), stream, version, type, "id-" + log.size(), JSON.valueToTree(data)));
    }

    private static JsonNode level(long onHand, long reserved) {
        return JSON.valueToTree(Map.of("onHand", onHand, "reserved", reserved));
    }

    @Nested
    class Stock {

        private void sale(String order, int quantity, int onHand, int reserved, int onHandAfter) {
            append("stock-A", "StockAllocated", Map.of("sku", "A", "orderId", order, "quantity", quantity, "onHand", onHand,
                    "reserved", reserved));
            append("stock-A", "StockDispatched", Map.of("sku", "A", "orderId", order, "quantity", quantity,
                    "onHand", onHandAfter, "reserved", reserved - quantity));
        }

        @Test
        void holds_whenReceivedIsAvailablePlusReservedPlusShipped() {
            append("stock-A", "StockReceived", Map.of("sku", "A", "quantity", 10, "onHand", 10, "reserved", 0));
            sale("o1", 2, 10, 2, 8);
            append("stock-A", "StockAllocated", Map.of("sku", "A", "orderId", "o2", "quantity", 3, "onHand", 8, "reserved", 3));

            StoreCheck.Verdict verdict = StoreCheck.stock(log, sku -> level(8, 3));

            assertThat(verdict.held()).as(verdict.detail()).isTrue();
            assertThat(verdict.detail()).contains("received 10 = available 5 + reserved 3 + shipped 2");
        }

        @Test
        void isViolated_byAnAllocationAppliedTwice() {
            append("stock-A", "StockReceived", Map.of("sku", "A", "quantity", 10, "onHand", 10, "reserved", 0));
            append("stock-A", "StockAllocated", Map.of("sku", "A", "orderId", "o1", "quantity", 2, "onHand", 10, "reserved", 2));
            append("stock-A", "StockAllocated", Map.of("sku", "A", "orderId", "o1", "quantity", 2, "onHand", 10, "reserved", 4));

            StoreCheck.Verdict verdict = StoreCheck.stock(log, sku -> level(10, 4));

            assertThat(verdict.held()).isFalse();
            assertThat(verdict.detail()).contains("A order o1 allocated 2 times");
        }

        @Test
        void isViolated_byLevelsThatDoNotAddUp() {
            append("stock-A", "StockReceived", Map.of("sku", "A", "quantity", 10, "onHand", 10, "reserved", 0));
            // a dispatch that took two off the shelf for one shipped
            append("stock-A", "StockAllocated", Map.of("sku", "A", "orderId", "o1", "quantity", 1, "onHand", 10, "reserved", 1));
            append("stock-A", "StockDispatched", Map.of("sku", "A", "orderId", "o1", "quantity", 1, "onHand", 8, "reserved", 0));

            assertThat(StoreCheck.stock(log, sku -> level(8, 0)).held()).isFalse();
        }

        @Test
        void isViolated_whenInventoryAnswersOtherLevelsThanItsLog() {
            append("stock-A", "StockReceived", Map.of("sku", "A", "quantity", 10, "onHand", 10, "reserved", 0));

            StoreCheck.Verdict verdict = StoreCheck.stock(log, sku -> level(9, 0));

            assertThat(verdict.held()).isFalse();
            assertThat(verdict.detail()).contains("inventory answers");
        }
    }

    @Nested
    class Payments {

        @Test
        void holds_withOneCapturePerPayment() {
            append("payment-o1", "PaymentAuthorized", Map.of("orderId", "o1"));
            append("payment-o1", "PaymentCaptured", Map.of("orderId", "o1"));
            append("payment-o2", "PaymentCaptured", Map.of("orderId", "o2"));

            assertThat(StoreCheck.payments(log).held()).isTrue();
        }

        @Test
        void isViolated_byAPaymentCapturedTwice() {
            append("payment-o1", "PaymentCaptured", Map.of("orderId", "o1"));
            append("payment-o1", "PaymentCaptured", Map.of("orderId", "o1"));

            StoreCheck.Verdict verdict = StoreCheck.payments(log);

            assertThat(verdict.held()).isFalse();
            assertThat(verdict.detail()).contains("payment-o1 x2");
        }
    }

    @Nested
    class Settled {

        private final List<StoreCheck.Event> carts = new ArrayList<>();

        private void checkedOut(String orderId) {
            carts.add(new StoreCheck.Event(carts.size(), "cart-c", carts.size(), "CartCheckedOut", "c-" + carts.size(),
                    JSON.valueToTree(Map.of("orderId", orderId))));
        }

        @Test
        void holds_whenEveryAcceptedOrderIsConfirmedOrCancelled() {
            checkedOut("o1");
            checkedOut("o2");
            append("order-o1", "OrderPlaced", Map.of());
            append("order-o1", "OrderConfirmed", Map.of());
            append("order-o1", "OrderShipped", Map.of());
            append("order-o2", "OrderPlaced", Map.of());
            append("order-o2", "OrderCancelled", Map.of());

            Map<String, String> states = StoreCheck.orderStates(carts, log, Set.of("o1"));
            StoreCheck.Verdict verdict = StoreCheck.settled(states, carts, log, Set.of("o1"));

            assertThat(states).containsEntry("o1", "OrderConfirmed").containsEntry("o2", "OrderCancelled");
            assertThat(verdict.held()).as(verdict.detail()).isTrue();
        }

        @Test
        void isViolated_byAnOrderStuckOrLost() {
            checkedOut("o1");
            checkedOut("o2");
            append("order-o1", "OrderPlaced", Map.of());
            append("order-o1", "OrderStockReserved", Map.of());

            StoreCheck.Verdict verdict = StoreCheck.settled(StoreCheck.orderStates(carts, log, Set.of()), carts, log,
                    Set.of());

            assertThat(verdict.held()).isFalse();
            assertThat(verdict.detail()).contains("o1 OrderStockReserved", "o2 not in orders' log");
        }

        @Test
        void isViolated_byAnOrderAClientWasAnswered202ForThatCartsNeverRecorded() {
            checkedOut("o1");
            append("order-o1", "OrderPlaced", Map.of());
            append("order-o1", "OrderConfirmed", Map.of());

            StoreCheck.Verdict verdict = StoreCheck.settled(StoreCheck.orderStates(carts, log, Set.of("o1", "o9")), carts,
                    log, Set.of("o1", "o9"));

            assertThat(verdict.held()).isFalse();
            assertThat(verdict.detail()).contains("answered 202 but no CartCheckedOut: [o9]");
        }

        @Test
        void isViolated_byACheckoutOrASagaStepTakenTwice() {
            checkedOut("o1");
            checkedOut("o1");
            append("order-o1", "OrderPlaced", Map.of());
            append("order-o1", "OrderConfirmed", Map.of());
            append("order-o1", "OrderConfirmed", Map.of());

            StoreCheck.Verdict verdict = StoreCheck.settled(StoreCheck.orderStates(carts, log, Set.of()), carts, log,
                    Set.of());

            assertThat(verdict.held()).isFalse();
            assertThat(verdict.detail()).contains("CartCheckedOut o1 x2", "OrderConfirmed order-o1 x2");
        }
    }

    @Nested
    class LogsAgainstTopics {

        private LogsAndTopics.Logged logged(String service, String id, String stream, long version) {
            return new LogsAndTopics.Logged(service, id, "Something", stream, version);
        }

        private LogsAndTopics.Sent sent(long offset, String id, String stream, long version) {
            return new LogsAndTopics.Sent("carts.events", 0, offset, "carts", id, stream, version);
        }

        @Test
        void countsAResendAsADuplicate_andKeepsTheAuditStreamPrivate() {
            var logs = Map.of("carts", List.of(logged("carts", "e1", "cart-1", 0), logged("carts", "e2", "cart-1", 1),
                    logged("carts", "a1", LogsAndTopics.AUDIT_STREAM, 0)));

            var comparison = LogsAndTopics.compare(logs, List.of(sent(0, "e1", "cart-1", 0), sent(1, "e2", "cart-1", 1),
                    sent(2, "e2", "cart-1", 1)));

            assertThat(comparison.missing()).isEmpty();
            assertThat(comparison.unknown()).isEmpty();
            assertThat(comparison.outOfOrder()).isEmpty();
            assertThat(comparison.duplicates()).containsExactly(Map.entry("e2", 2));
        }

        @Test
        void findsAnEventMissing_oneSentThatNoLogHolds_andAnAuditEventPublished() {
            var logs = Map.of("carts", List.of(logged("carts", "e1", "cart-1", 0), logged("carts", "e2", "cart-1", 1),
                    logged("carts", "a1", LogsAndTopics.AUDIT_STREAM, 0)));

            var comparison = LogsAndTopics.compare(logs, List.of(sent(0, "e1", "cart-1", 0), sent(1, "x9", "cart-1", 2),
                    sent(2, "a1", LogsAndTopics.AUDIT_STREAM, 0)));

            assertThat(comparison.missing()).extracting(LogsAndTopics.Logged::eventId).containsExactly("e2");
            assertThat(comparison.unknown()).extracting(LogsAndTopics.Sent::eventId).containsExactly("x9");
            assertThat(comparison.leaked()).extracting(LogsAndTopics.Sent::eventId).containsExactly("a1");
        }
    }
}
