package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.security.EdgeUser;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The operations console in a real browser (headless Chromium) against the whole store through edge, as the admin:
 * a stranger is sent to the login page and a customer refused; the admin finds a just-delivered order's saga
 * timeline from its order id and sees every hop of it across carts, orders, inventory and payments, with log
 * positions and Kafka records; opens a cart's stream at version 1 and sees that version's state; sees a poison
 * message a test published parked and counted, replays it (never twice) and discards what is parked again; starts a
 * rebuild of the views and watches it reach the switch-over. Screenshots under {@code target/screenshots/}.
 */
class OpsConsoleBrowserTest {

    final SharedStore shop = SharedStore.get();

    @Test
    void aStranger_isSentToLogIn_andACustomerIsRefused() {
        try (Browser browser = new Browser(shop.store.edgeUrl(), "ops-access")) {
            browser.visit(() -> {
                browser.open("/ops/sagas");
                assertThat(browser.driver.getCurrentUrl()).contains("/login?next=");
                assertThat(browser.field("E-mail").isDisplayed()).isTrue();

                browser.signedInAs(shop.session(new EdgeUser(UUID.randomUUID().toString(), "c@example.com",
                        Set.of(EdgeToken.CUSTOMER))));
                browser.open("/ops");
                assertThat(browser.driver.getCurrentUrl()).doesNotContain("/login");
                assertThat(browser.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Forbidden");
                assertThat(browser.text()).doesNotContain("Edge's circuit breakers");
                browser.screenshot("forbidden");
            });
        }
    }

    @Test
    void theAdmin_findsAJustPlacedOrdersSagaTimeline_fromItsId_andSeesEveryHop() {
        SharedStore.Customer customer = shop.customer(SharedStore.APPROVES);
        String order = shop.checkOut(customer, shop.product(1500, 5), 1);
        shop.awaitStatus(customer, order, "DELIVERED");

        try (Browser browser = new Browser(shop.store.edgeUrl(), "ops-saga")) {
            browser.visit(() -> {
                browser.signedInAs(shop.admin);
                browser.open("/ops");
                StorefrontBrowserTest.live().until(() -> browser.text().contains("Edge's circuit breakers")
                        && browser.text().contains("orders"));
                browser.screenshot("overview");

                browser.follow("Sagas");
                browser.type("Order id", order);
                browser.press("Show its timeline");

                String timeline = browser.text();
                assertThat(timeline).contains("Checkout of order " + order);
                // every hop, in the services that took it
                assertThat(timeline).contains("CartCheckedOut", "OrderPlaced", "StockReservationRequested",
                        "StockReserved", "OrderStockReserved", "PaymentAuthorizationRequested", "PaymentAuthorized",
                        "OrderConfirmed", "PaymentCaptureRequested", "PaymentCaptured", "ShipmentRequested",
                        "StockShipped", "OrderShipped", "OrderDelivered");
                // with where each is: a log position, a Kafka record, and the time since its cause
                assertThat(rowOf(browser, "PaymentAuthorized")).contains("payments", "payments.events", "#", "ms after");
                assertThat(rowOf(browser, "StockReserved")).contains("inventory", "inventory.events");
                assertThat(rowOf(browser, "PaymentAuthorizationRequested")).contains("orders", "command",
                        "payments.commands");
                browser.screenshot("saga");
            });
        }
    }

    @Test
    void theAdmin_opensACartsStreamAtVersion1_andSeesThatVersionsState() {
        SharedStore.Customer customer = shop.customer(SharedStore.APPROVES);
        String first = shop.product(700, 5);
        String second = shop.product(900, 5);
        shop.addToCart(customer, first, 1);
        shop.addToCart(customer, second, 2);
        shop.addToCart(customer, first, 3);

        try (Browser browser = new Browser(shop.store.edgeUrl(), "ops-stream")) {
            browser.visit(() -> {
                browser.signedInAs(shop.admin);
                browser.open("/ops/log/carts?stream=cart-" + customer.id());
                browser.pressAndLeave(browser.driver.findElement(By.partialLinkText("cart-" + customer.id() + " v0")));
                browser.type("State at version", "1");
                browser.submit("State at version");

                String page = browser.text();
                assertThat(page).contains("State at version 1");
                String state = browser.driver.findElement(By.cssSelector("[aria-labelledby=state-title] pre")).getText();
                // version 1: the first product once and the second twice; the third add (version 2) is not in it
                assertThat(state).contains(first, second).contains("\"quantity\" : 1").contains("\"quantity\" : 2")
                        .doesNotContain("\"quantity\" : 4");
                assertThat(page).contains("What changed from version 0");
                browser.screenshot("stream");
            });
        }
    }

    @Test
    void theAdmin_seesAPoisonMessageParked_replaysItOnce_andDiscardsItWhenItIsParkedAgain() throws Exception {
        String poison = "not-an-account-" + UUID.randomUUID().toString().substring(0, 8);
        publishPoison(poison);

        try (Browser browser = new Browser(shop.store.edgeUrl(), "ops-parked")) {
            browser.visit(() -> {
                browser.signedInAs(shop.admin);
                WebElement parked = StorefrontBrowserTest.live().until(() -> {
                    browser.open("/ops/parked");
                    return pendingWith(browser, poison);
                }, found -> found != null);
                String topic = "error.accounts.commands.accounts";
                assertThat(topicCounts(browser, topic)).startsWith("1 pending");
                assertThat(parked.getText()).contains("MalformedMessage", "not an account id", poison);
                browser.screenshot("parked");

                browser.pressAndLeave(parked.findElement(By.xpath(".//button[normalize-space(.)='Replay']")));
                assertThat(browser.text()).contains("Replayed");
                // the replayed message is handled: no second replay is offered (a second POST is refused: 409)
                WebElement replayed = browser.driver.findElement(By.xpath(
                        "//article[contains(@class,'parked')][contains(.,'" + poison + "')][contains(.,'REPLAYED')]"));
                assertThat(replayed.findElements(By.xpath(".//button"))).isEmpty();

                // still poison: its consumer parks it again, as a new message; the admin discards that one
                WebElement again = StorefrontBrowserTest.live().until(() -> {
                    browser.open("/ops/parked");
                    return pendingWith(browser, poison);
                }, found -> found != null);
                String id = again.findElement(By.tagName("code")).getText();
                browser.type("Reason to discard", "poison sent by OpsConsoleBrowserTest: the account id is malformed");
                browser.pressAndLeave(again.findElement(By.xpath(".//button[normalize-space(.)='Discard']")));
                assertThat(browser.text()).contains("Discarded " + id);
                assertThat(topicCounts(browser, topic)).startsWith("0 pending");

                // both actions are in accounts' own log, with who and why
                browser.follow("Audit");
                assertThat(browser.text()).contains("replay", "discard", "poison sent by OpsConsoleBrowserTest");
                browser.screenshot("audit");
            });
        }
    }

    @Test
    void theAdmin_rebuildsTheViews_andWatchesTheSwitchOver() {
        try (Browser browser = new Browser(shop.store.edgeUrl(), "ops-rebuild")) {
            browser.visit(() -> {
                browser.signedInAs(shop.admin);
                browser.open("/ops/read-models");
                // the live stream swaps the table every 2 s: a link read just before a swap is stale, and read again
                StorefrontBrowserTest.live().until(() -> {
                    browser.pressAndLeave(browser.driver.findElement(By.cssSelector("a[aria-label='Rebuild views of views']")));
                    return true;
                });
                assertThat(browser.text()).contains("The rebuild will replay");
                WebElement confirm = browser.driver.findElement(By.name("confirm"));
                confirm.click();
                browser.screenshot("rebuild");
                browser.press("Start the rebuild");

                assertThat(browser.text()).contains("Rebuild of");
                StorefrontBrowserTest.live().until(() -> browser.driver.findElement(By.id("model-views-views")).getText(),
                        row -> row.contains("switched over from generation"));
                browser.screenshot("switched");
            });
        }
    }

    /** The text of the saga timeline's row of the event type. */
    private static String rowOf(Browser browser, String type) {
        return browser.driver.findElement(By.xpath("//tr[.//a[normalize-space(.)='" + type + "']]")).getText();
    }

    /** The pending parked message whose payload names {@code text}, if the page shows one. */
    private static WebElement pendingWith(Browser browser, String text) {
        return browser.driver.findElements(By.xpath("//article[contains(@class,'parked')][contains(.,'" + text
                + "')][.//button[normalize-space(.)='Replay']]")).stream().findFirst().orElse(null);
    }

    private static String topicCounts(Browser browser, String topic) {
        return browser.driver.findElement(By.xpath("//section[contains(@class,'topic')][.//h3[normalize-space(.)='"
                + topic + "']]/p")).getText();
    }

    /** A command accounts cannot take (its account id is malformed): its consumer parks it after one attempt. */
    private void publishPoison(String accountId) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "localhost:" + shop.store.config().kafkaPort());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>("accounts.commands", accountId,
                    ("{\"accountId\":\"" + accountId + "\"}").getBytes(StandardCharsets.UTF_8));
            record.headers().add(EventHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            record.headers().add(EventHeaders.EVENT_TYPE, "ActivateAccount".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
    }
}
