package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Year;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.awaitility.core.ConditionFactory;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;

/**
 * The storefront in a real browser (headless Chromium) against the whole store through edge: a new customer
 * registers, reads the confirmation code in the mailbox page, confirms and watches the account become ACTIVE,
 * searches, adds two products, changes a quantity, checks out with the approving test card and watches the order
 * reach DELIVERED without reloading; a customer with the declining card sees the compensation in words; a product
 * named like markup renders as text; a product page open in a browser shows its availability fall, to "Out of
 * stock", as other customers buy; the whole purchase works with the keyboard alone. Screenshots of every page under {@code target/screenshots/}.
 */
class StorefrontBrowserTest {

    final SharedStore shop = SharedStore.get();

    /**
     * Waits for what the page shows to change without a reload: htmx swaps the fragment a server-sent event
     * brings, and an element read just as it is swapped out is stale (read again at the next poll); an element
     * of the next page is not there until the page has loaded.
     */
    static ConditionFactory live() {
        // one predicate: a second ignoreExceptionsInstanceOf would replace the first, not add to it
        return await().atMost(SharedStore.PATIENCE).ignoreExceptionsMatching(
                e -> e instanceof StaleElementReferenceException || e instanceof NoSuchElementException);
    }

    @Test
    void aNewCustomer_registersConfirmsShops_andWatchesTheOrderBeDelivered_live() {
        // given: two products, found by a word only they have
        String word = "lamp" + UUID.randomUUID().toString().substring(0, 6);
        String desk = shop.productNamed("Desk " + word, 2500, 10);
        String floor = shop.productNamed("Floor " + word, 4000, 10);
        String email = "b-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";

        try (Browser browser = new Browser(shop.store.edgeUrl(), "purchase")) {
            browser.visit(() -> {
            // register
            browser.open("/");
            browser.screenshot("home");
            browser.follow("Register");
            browser.type("Name", "Browser Customer");
            browser.type("E-mail", email);
            browser.type("Password (at least 8 characters)", "a long password");
            browser.screenshot("register");
            browser.press("Register");

            // log in: the e-mail is filled in already
            assertThat(browser.field("E-mail").getAttribute("value")).isEqualTo(email);
            browser.type("Password", "a long password");
            browser.press("Log in");

            // the confirmation code arrives in the mailbox (a person reloads the page until it is there)
            String code = await().atMost(SharedStore.PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
                browser.open("/mailbox");
                List<WebElement> codes = browser.driver.findElements(By.className("confirmation-code"));
                return codes.isEmpty() ? null : codes.getFirst().getText();
            }, found -> found != null && !found.isBlank());
            browser.screenshot("mailbox");

            // confirm, and the account becomes ACTIVE on the open page
            browser.open("/account");
            browser.type("Confirmation code", code);
            browser.press("Confirm");
            // the form posts and is redirected (with the command's consistency token): mark the page it lands
            // on, not the one it leaves (a click can return before the navigation; CI once marked the old page)
            live().until(() -> browser.driver.getCurrentUrl(), url -> url.contains("ct="));
            browser.markPage();
            live().until(() -> browser.driver.findElement(By.id("account-status")).getText(),
                    "ACTIVE"::equals);
            assertThat(browser.pageWasNotReloaded()).isTrue();
            browser.screenshot("account-active");

            // search, and add both products
            browser.type("Search products", word);
            browser.submit("Search products");
            // the listing is the views', built from the topics: a person reloads until the new products show
            live().pollInterval(Duration.ofMillis(300)).until(() -> {
                if (!browser.text().contains("Floor " + word)) {
                    browser.driver.navigate().refresh();
                }
                return browser.text();
            }, text -> text.contains("Desk " + word) && text.contains("Floor " + word));
            assertThat(browser.text()).contains("$25.00", "$40.00", "10 available");
            browser.screenshot("catalog");
            browser.follow("Desk " + word);
            browser.screenshot("product");
            browser.press("Add to cart");
            // the form posts and the browser lands on the cart: wait for it before leaving (a click returns
            // before the next page has loaded; reading or navigating at once races the post)
            live().until(() -> browser.driver.findElement(By.id("cart-badge")).getText(), "1"::equals);
            browser.open("/products/" + floor);
            browser.type("Quantity", "1");
            browser.press("Add to cart");
            live().until(() -> browser.driver.findElement(By.id("cart-badge")).getText(), "2"::equals);

            // change a quantity: 2 desks and 1 floor lamp
            browser.type("Quantity of Desk " + word, "2");
            browser.pressAndLeave(browser.driver.findElement(
                    By.xpath("//button[@aria-label='Update the quantity of Desk " + word + "']")));
            // the form posts and the cart is shown again: wait for the new page (CI once read the old one's $65.00)
            live().until(() -> browser.driver.findElement(By.id("subtotal")).getText(), "$90.00"::equals);
            assertThat(browser.driver.findElement(By.id("tax")).getText()).isEqualTo("$5.40");
            assertThat(browser.driver.findElement(By.id("total")).getText()).isEqualTo("$95.40");
            assertThat(browser.driver.findElement(By.id("cart-badge")).getText()).isEqualTo("3");
            browser.screenshot("cart");

            // check out with the approving test card
            browser.follow("Check out");
            fillTheCheckout(browser, "Browser Customer", "4242 4242 4242 4242");
            browser.screenshot("checkout");
            browser.press("Place order");

            // the order page shows each step as it happens, without a reload (marked once it is the page shown)
            live().until(() -> browser.driver.getCurrentUrl(), url -> url.contains("/orders/"));
            browser.markPage();
            assertThat(browser.driver.getCurrentUrl()).contains("/orders/");
            live().until(
                    () -> browser.driver.findElement(By.id("order-status")).getAttribute("data-status"), "DELIVERED"::equals);
            assertThat(browser.pageWasNotReloaded()).isTrue();
            List<String> steps = browser.driver.findElements(By.cssSelector("#order-steps li")).stream()
                    .map(step -> step.getAttribute("data-status")).toList();
            assertThat(steps).containsExactly("PLACED", "STOCK_RESERVED", "PAYMENT_AUTHORIZED", "CONFIRMED", "SHIPPED",
                    "DELIVERED");
            assertThat(browser.text()).contains("Delivered", "+").doesNotContain("Cancel this order");
            browser.screenshot("order-delivered");
            });
        }
    }

    @Test
    void aDeclinedCard_showsTheCompensationInWords_live() {
        String sku = shop.productNamed("Chair " + UUID.randomUUID().toString().substring(0, 6), 1500, 5);
        SharedStore.Customer customer = shop.customer(SharedStore.DECLINES);
        shop.addToCart(customer, sku, 1);

        try (Browser browser = new Browser(shop.store.edgeUrl(), "declined")) {
            browser.visit(() -> {
            browser.signedInAs(customer.session());
            browser.open("/checkout");
            fillTheCheckout(browser, "Declined Customer", "4000 0000 0000 0002");
            browser.press("Place order");
            live().until(() -> browser.driver.getCurrentUrl(), url -> url.contains("/orders/"));
            browser.markPage();

            live().until(
                    () -> browser.driver.findElement(By.id("order-status")).getAttribute("data-status"), "CANCELLED"::equals);
            assertThat(browser.pageWasNotReloaded()).isTrue();
            assertThat(browser.driver.findElement(By.id("cancellation")).getText())
                    .startsWith("payment declined").endsWith("your reserved items were released");
            browser.screenshot("order-declined");
            });
        }
    }

    @Test
    void aProductPage_showsAvailabilityFall_whenAnotherCustomerBuys_live() {
        // given: a product with 5 units, its page open in the browser of a visitor who buys nothing
        String sku = shop.productNamed("Lantern " + UUID.randomUUID().toString().substring(0, 6), 3000, 5);

        try (Browser browser = new Browser(shop.store.edgeUrl(), "availability")) {
            browser.visit(() -> {
            browser.open("/products/" + sku);
            live().until(() -> browser.driver.findElement(By.id("available")).getText(), "5 available"::equals);
            browser.markPage();

            // when: another customer buys 3, then the last 2
            SharedStore.Customer other = shop.customer(SharedStore.APPROVES);
            shop.checkOut(other, sku, 3);

            // then: the open page says so without a reload
            live().until(() -> browser.driver.findElement(By.id("available")).getText(), "2 available"::equals);
            SharedStore.Customer last = shop.customer(SharedStore.APPROVES);
            shop.checkOut(last, sku, 2);
            live().until(() -> browser.driver.findElement(By.id("available")).getText(), "Out of stock"::equals);
            assertThat(browser.pageWasNotReloaded()).isTrue();
            browser.screenshot("product-out-of-stock");
            });
        }
    }

    @Test
    void theWholePurchase_worksWithTheKeyboardAlone_inTheOrderThePageShowsItsFields() {
        // given: a customer with a product in the cart, on the cart page
        String sku = shop.productNamed("Kettle " + UUID.randomUUID().toString().substring(0, 6), 2000, 5);
        SharedStore.Customer customer = shop.customer(SharedStore.APPROVES);
        shop.addToCart(customer, sku, 1);

        try (Browser browser = new Browser(shop.store.edgeUrl(), "keyboard")) {
            browser.visit(() -> {
            browser.signedInAs(customer.session());
            browser.open("/cart");

            // when: only keys are pressed, from the top of the page
            browser.tabUntil(element -> "Check out".equals(element.getText()), 40);
            browser.keys(Keys.ENTER);
            live().until(() -> browser.driver.findElement(By.id("name")).isDisplayed());
            browser.tabUntil(element -> "name".equals(element.getAttribute("id")), 40);
            for (String[] field : new String[][] {{"name", "Keyboard Customer"}, {"line1", "3 Key Street"},
                    {"line2", ""}, {"city", "Keytown"}, {"postalCode", "12345"}, {"country", "US"}}) {
                assertThat(browser.focused().getAttribute("id")).as("the field after the one before").isEqualTo(field[0]);
                if (!field[1].isEmpty()) {
                    browser.keys(field[1]);
                }
                browser.keys(Keys.TAB);
            }
            // the card choice (radios) comes next, then the new card's fields
            browser.tabUntil(element -> "number".equals(element.getAttribute("id")), 4);
            for (String[] field : new String[][] {{"number", "4242 4242 4242 4242"}, {"expMonth", "12"},
                    {"expYear", String.valueOf(Year.now().getValue() + 2)}, {"cvc", "123"}}) {
                assertThat(browser.focused().getAttribute("id")).as("the field after the one before").isEqualTo(field[0]);
                browser.keys(field[1]);
                browser.keys(Keys.TAB);
            }
            browser.tabUntil(element -> "Place order".equals(element.getText()), 10);
            browser.screenshot("keyboard-checkout");
            browser.keys(Keys.ENTER);

            // then: the order page, and the order goes through
            live().until(() -> browser.driver.findElement(By.id("order-status")).getAttribute("data-status"),
                    "DELIVERED"::equals);
            browser.screenshot("keyboard-order");
            });
        }
    }

    @Test
    void aProductNamedLikeMarkup_rendersAsText() {
        String name = "<img src=x onerror=alert(1)>";
        String sku = shop.productNamed(name, 100, 1);

        try (Browser browser = new Browser(shop.store.edgeUrl(), "xss")) {
            browser.open("/products/" + sku);

            assertThat(browser.driver.findElement(By.tagName("h1")).getText()).isEqualTo(name);
            assertThat(browser.driver.findElements(By.cssSelector("main img"))).isEmpty();
            browser.screenshot("product-markup-name");
        }
    }

    /** Types a shipping address and a new card into the checkout form, as a person does, field by field. */
    private static void fillTheCheckout(Browser browser, String name, String cardNumber) {
        browser.type("Full name", name);
        browser.type("Address", "1 Test Street");
        browser.type("City", "Testville");
        browser.type("Postal code", "12345");
        browser.type("Country", "US");
        browser.type("Card number", cardNumber);
        browser.type("Expiry month", "12");
        browser.type("Expiry year", String.valueOf(Year.now().getValue() + 2));
        browser.type("CVC", "123");
    }
}
