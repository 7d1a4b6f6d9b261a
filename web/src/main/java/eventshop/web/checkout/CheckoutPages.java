package eventshop.web.checkout;

import eventshop.eventsourcing.security.EdgeUser;
import eventshop.web.calls.Api;
import eventshop.web.calls.Concurrently;
import eventshop.web.calls.Refused;
import eventshop.web.calls.Shop;
import eventshop.web.site.CartBadge;
import eventshop.web.site.ConsistencyTokens;
import eventshop.web.site.Forms;
import eventshop.web.site.SignIn;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;

/**
 * Checkout ({@code /checkout}): the shipping address (the account's saved one filled in), a saved card or a new
 * one, which is tokenized through payments first (the number goes to payments only, the way a processor's
 * client-side tokenization works, and is never rendered back), then the cart is checked out with an idempotency
 * key the form carries, so that a double submit places one order. The customer lands on the live order page with
 * the checkout's consistency token. Every refusal is shown next to its field with the API's words, and the form
 * keeps what was typed (but the card number and CVC). The account and the cart are read at the same time, and the
 * header's badge is counted from that cart.
 */
@Controller
class CheckoutPages {

    /** The test cards of the simulated processor (DESIGN §5), named on the page. */
    static final List<TestCard> TEST_CARDS = List.of(
            new TestCard("4242 4242 4242 4242", "authorizes"),
            new TestCard("4000 0000 0000 0002", "is declined"),
            new TestCard("4000 0000 0000 9995", "is declined for insufficient funds"));

    record TestCard(String number, String outcome) {
    }

    /** The API's field names as the form names them. */
    private static final Map<String, String> FORM_FIELDS = Map.ofEntries(
            Map.entry("shippingAddress.name", "name"), Map.entry("shippingAddress.line1", "line1"),
            Map.entry("shippingAddress.line2", "line2"), Map.entry("shippingAddress.city", "city"),
            Map.entry("shippingAddress.postalCode", "postalCode"), Map.entry("shippingAddress.country", "country"),
            Map.entry("cardToken", "card"), Map.entry("number", "number"), Map.entry("expMonth", "expMonth"),
            Map.entry("expYear", "expYear"), Map.entry("cvc", "cvc"));

    /** What the form posts; every field a string, so that whatever was typed can be shown again. */
    record CheckoutForm(String name, String line1, String line2, String city, String postalCode, String country,
                        String card, String number, String expMonth, String expYear, String cvc, String key) {

        CheckoutForm {
            name = orEmpty(name);
            line1 = orEmpty(line1);
            line2 = orEmpty(line2);
            city = orEmpty(city);
            postalCode = orEmpty(postalCode);
            country = orEmpty(country);
            card = orEmpty(card);
            number = orEmpty(number);
            expMonth = orEmpty(expMonth);
            expYear = orEmpty(expYear);
            cvc = orEmpty(cvc);
            key = orEmpty(key);
        }

        private static String orEmpty(String value) {
            return value == null ? "" : value;
        }

        /** The form as the page shows it again: never the card number or CVC. */
        CheckoutForm redisplayed() {
            return new CheckoutForm(name, line1, line2, city, postalCode, country, card, "", expMonth, expYear, "", key);
        }
    }

    private final Shop shop;
    private final Concurrently concurrently;

    CheckoutPages(Shop shop, Concurrently concurrently) {
        this.shop = shop;
        this.concurrently = concurrently;
    }

    @GetMapping("/checkout")
    @CartBadge.FromThePage
    String form(EdgeUser user, Model model, HttpServletRequest request) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        Concurrently.Both<Api.Account, Api.Cart> read = concurrently.both(() -> account(user), () -> shop.cart(null));
        Api.Account account = read.first();
        CartBadge.show(model, read.second());
        Api.Address saved = account.addresses().isEmpty() ? null : account.addresses().getFirst();
        CheckoutForm form = new CheckoutForm(saved == null ? account.name() : saved.name(),
                saved == null ? "" : saved.line1(), saved == null ? "" : saved.line2(), saved == null ? "" : saved.city(),
                saved == null ? "" : saved.postalCode(), saved == null ? "" : saved.country(),
                account.cards().isEmpty() ? "new" : account.cards().getFirst().cardToken(), "", "", "", "",
                UUID.randomUUID().toString());
        return page(model, account, read.second(), form, Map.of(), null);
    }

    /**
     * The header with which edge hands over a checkout it refused because the store is taking more than it can settle
     * in time (edge's admission of checkouts; the value is the seconds after which to try again). Edge removes any a
     * client sends.
     */
    static final String OVERLOADED = "X-Eventshop-Overloaded";

    @PostMapping("/checkout")
    String checkOut(EdgeUser user, @ModelAttribute CheckoutForm form, Model model, HttpServletRequest request,
                    HttpServletResponse response,
                    @RequestHeader(name = OVERLOADED, required = false) String overloaded) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        if (overloaded != null) {
            // nothing tokenized, nothing checked out: the same form again, as the customer filled it
            response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
            response.setHeader(HttpHeaders.RETRY_AFTER, overloaded.matches("[0-9]{1,4}") ? overloaded : "2");
            Concurrently.Both<Api.Account, Api.Cart> read = concurrently.both(() -> account(user), () -> shop.cart(null));
            return page(model, read.first(), read.second(), form.redisplayed(), Map.of(),
                    "The store is taking more orders than it can handle right now. Nothing was ordered and nothing"
                            + " was charged: please place your order again in a moment.");
        }
        try {
            String cardToken = form.card();
            if (cardToken.isBlank() || "new".equals(cardToken)) {
                cardToken = tokenize(form);
            }
            Api.Address address = new Api.Address(form.name().strip(), form.line1().strip(), form.line2().strip(),
                    form.city().strip(), form.postalCode().strip(), form.country().strip());
            String key = form.key().matches("[A-Za-z0-9._:-]{1,100}") ? form.key() : UUID.randomUUID().toString();
            Shop.Done<Api.CheckoutAccepted> done = shop.checkOut(new Api.Checkout(address, cardToken), key);
            return ConsistencyTokens.redirect("/orders/" + done.body().orderId(), done.consistencyToken());
        } catch (Refused refused) {
            response.setStatus(refused.status() == 409 || refused.status() == 403 ? refused.status()
                    : HttpStatus.UNPROCESSABLE_CONTENT.value());
            Map<String, String> errors = refused.fieldErrors(FORM_FIELDS);
            Concurrently.Both<Api.Account, Api.Cart> read = concurrently.both(() -> account(user), () -> shop.cart(null));
            return page(model, read.first(), read.second(), form.redisplayed(), errors,
                    errors.isEmpty() ? refused.detail() : null);
        }
    }

    /** The customer's account, for the saved address and cards; one accounts does not know has none. */
    private Api.Account account(EdgeUser user) {
        try {
            return shop.me(null);
        } catch (eventshop.web.calls.NotFound unknown) {
            return Api.Account.unknown(user.id(), user.email());
        }
    }

    /** The new card's token from payments; a refusal names the card's fields. */
    private String tokenize(CheckoutForm form) {
        Map<String, String> typos = new LinkedHashMap<>();
        Integer month = Forms.wholeNumber(form.expMonth());
        Integer year = Forms.wholeNumber(form.expYear());
        if (month == null) {
            typos.put("expMonth", "must be a month, 1 to 12");
        }
        if (year == null) {
            typos.put("expYear", "must be a year, such as 2030");
        }
        if (!typos.isEmpty()) {
            throw new Refused(400, "invalid-fields", "the card's expiry is not a date", typos);
        }
        return shop.tokenize(new Api.CardNumber(form.number().replaceAll("[\\s-]", ""), month, year, form.cvc().strip()))
                .body().token();
    }

    private String page(Model model, Api.Account account, Api.Cart cart, CheckoutForm form, Map<String, String> errors,
                        String error) {
        model.addAttribute("account", account);
        model.addAttribute("cart", cart);
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("error", error);
        model.addAttribute("testCards", TEST_CARDS);
        return "checkout/checkout";
    }

}
