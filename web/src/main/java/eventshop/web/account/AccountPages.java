package eventshop.web.account;

import eventshop.eventsourcing.privacy.RemoteSubjectKeys;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.web.calls.Api;
import eventshop.web.calls.Refused;
import eventshop.web.calls.Shop;
import eventshop.web.site.ConsistencyTokens;
import eventshop.web.site.Forms;
import eventshop.web.site.SignIn;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The account ({@code /account}: profile, status shown live, the confirmation code form while unconfirmed, the
 * shipping address, saved cards) and the mailbox ({@code /mailbox}: the simulated e-mail, where the confirmation
 * code arrives, and where a pending account asks for a new code). Every change redirects back with the command's consistency token, so the page shows it.
 */
@Controller
class AccountPages {

    private static final Map<String, String> ADDRESS_FIELDS = Map.of();
    private static final Map<String, String> CARD_FIELDS = Map.of("cardToken", "number");

    record AddressForm(String name, String line1, String line2, String city, String postalCode, String country) {
        AddressForm {
            name = name == null ? "" : name;
            line1 = line1 == null ? "" : line1;
            line2 = line2 == null ? "" : line2;
            city = city == null ? "" : city;
            postalCode = postalCode == null ? "" : postalCode;
            country = country == null ? "" : country;
        }

        static AddressForm of(Api.Account account) {
            if (account.addresses().isEmpty()) {
                return new AddressForm(account.name(), "", "", "", "", "");
            }
            Api.Address address = account.addresses().getFirst();
            return new AddressForm(address.name(), address.line1(), address.line2(), address.city(),
                    address.postalCode(), address.country());
        }
    }

    private final Shop shop;
    private final AccountLive live;
    private final ObjectProvider<RemoteSubjectKeys> keys;

    AccountPages(Shop shop, AccountLive live, ObjectProvider<RemoteSubjectKeys> keys) {
        this.shop = shop;
        this.live = live;
        this.keys = keys;
    }

    @GetMapping("/account")
    String account(EdgeUser user, @RequestParam(name = ConsistencyTokens.PARAMETER, required = false) @Nullable String token,
                   Model model, HttpServletRequest request) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        Api.Account account = shop.me(accountsToken(token));
        return page(model, account, AddressForm.of(account), Map.of(), null, null);
    }

    @GetMapping(path = "/account/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter liveStatus(EdgeUser user) {
        if (user.isAnonymous()) {
            throw new eventshop.web.calls.NotFound("account");
        }
        Api.Account account = shop.me(null);
        return live.open(standing(account));
    }

    @PostMapping("/account/confirm")
    String confirm(EdgeUser user, @RequestParam(defaultValue = "") String code, Model model, HttpServletRequest request,
                   HttpServletResponse response) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        try {
            return ConsistencyTokens.redirect("/account", shop.confirm(code.strip()).consistencyToken());
        } catch (Refused refused) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            Api.Account account = shop.me(null);
            model.addAttribute("code", code);
            return page(model, account, AddressForm.of(account),
                    Map.of("code", refused.fieldErrors().getOrDefault("code", refused.detail())), null, null);
        }
    }

    @PostMapping("/account/address")
    String changeAddress(EdgeUser user, @ModelAttribute AddressForm form, Model model, HttpServletRequest request,
                         HttpServletResponse response) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        try {
            return ConsistencyTokens.redirect("/account", shop.changeAddress(new Api.Address(form.name().strip(),
                    form.line1().strip(), form.line2().strip(), form.city().strip(), form.postalCode().strip(),
                    form.country().strip())).consistencyToken());
        } catch (Refused refused) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            Map<String, String> errors = refused.fieldErrors(ADDRESS_FIELDS);
            return page(model, shop.me(null), form, errors, errors.isEmpty() ? refused.detail() : null, null);
        }
    }

    /** A new card: tokenized by payments, then saved to the account by its token. */
    @PostMapping("/account/cards")
    String saveCard(EdgeUser user, @RequestParam(defaultValue = "") String number,
                    @RequestParam(defaultValue = "") String expMonth, @RequestParam(defaultValue = "") String expYear,
                    @RequestParam(defaultValue = "") String cvc, Model model, HttpServletRequest request,
                    HttpServletResponse response) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        try {
            Integer month = Forms.wholeNumber(expMonth);
            Integer year = Forms.wholeNumber(expYear);
            if (month == null || year == null) {
                throw new Refused(400, "invalid-fields", "the card's expiry is not a date",
                        month == null ? Map.of("expMonth", "must be a month, 1 to 12") : Map.of("expYear", "must be a year"));
            }
            String token = shop.tokenize(new Api.CardNumber(number.replaceAll("[\\s-]", ""), month, year, cvc.strip()))
                    .body().token();
            return ConsistencyTokens.redirect("/account", shop.saveCard(token).consistencyToken());
        } catch (Refused refused) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            Api.Account account = shop.me(null);
            Map<String, String> errors = refused.fieldErrors(CARD_FIELDS);
            model.addAttribute("cardForm", Map.of("expMonth", expMonth, "expYear", expYear));
            return page(model, account, AddressForm.of(account), Map.of(), null,
                    errors.isEmpty() ? Map.of("number", refused.detail()) : errors);
        }
    }

    @PostMapping("/account/cards/{cardToken}/remove")
    String removeCard(EdgeUser user, @PathVariable String cardToken, HttpServletRequest request) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        return ConsistencyTokens.redirect("/account", shop.removeCard(cardToken).consistencyToken());
    }

    /**
     * "Forget me": with the password, the account is closed and its personal data erased (crypto-shredding); its
     * orders stay, without it. A wrong password is the account page again, 422, with the error at the field.
     */
    @PostMapping("/account/forget")
    String forget(EdgeUser user, @RequestParam(defaultValue = "") String password, Model model,
                  HttpServletRequest request, HttpServletResponse response) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        try {
            shop.forgetMe(password);
            // the key is destroyed at accounts: the copy kept here for the header goes too, so nothing of the
            // account is shown again (this page's header included)
            keys.ifAvailable(remote -> remote.drop(user.id()));
            model.addAttribute("visitor", new EdgeUser(user.id(), "", user.roles()));
            return "account/forgotten";
        } catch (Refused refused) {
            response.setStatus(refused.clientStatus());
            Api.Account account = shop.me(null);
            model.addAttribute("forgetError", refused.fieldErrors().getOrDefault("password", refused.detail()));
            return page(model, account, AddressForm.of(account), Map.of(), null, null);
        }
    }

    @GetMapping("/mailbox")
    String mailbox(EdgeUser user, @RequestParam(name = ConsistencyTokens.PARAMETER, required = false) @Nullable String token,
                   Model model, HttpServletRequest request) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        return mailboxPage(model, accountsToken(token), null);
    }

    /**
     * "Send a new code": a new confirmation code to the mailbox (the one before stops working, a void one after five
     * wrong tries included), then the mailbox showing it; refused (asked again within a minute, 429; the account is not
     * pending, 409) the mailbox says why.
     */
    @PostMapping("/mailbox/new-code")
    String newCode(EdgeUser user, Model model, HttpServletRequest request, HttpServletResponse response) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        try {
            return ConsistencyTokens.redirect("/mailbox", shop.newConfirmationCode().consistencyToken());
        } catch (Refused refused) {
            response.setStatus(refused.clientStatus());
            return mailboxPage(model, null, refused.detail());
        }
    }

    private String mailboxPage(Model model, @Nullable String token, @Nullable String error) {
        model.addAttribute("messages", shop.mailbox(token));
        model.addAttribute("pending", "PENDING".equals(shop.me(null).status()));
        model.addAttribute("error", error);
        return "account/mailbox";
    }

    private String page(Model model, Api.Account account, AddressForm address, Map<String, String> errors,
                        @Nullable String error, @Nullable Map<String, String> cardErrors) {
        model.addAttribute("account", account);
        model.addAttribute("standing", standing(account));
        model.addAttribute("address", address);
        model.addAttribute("errors", errors);
        model.addAttribute("error", error);
        model.addAttribute("cardErrors", cardErrors == null ? Map.of() : cardErrors);
        if (!model.containsAttribute("cardForm")) {
            model.addAttribute("cardForm", Map.of("expMonth", "", "expYear", ""));
        }
        return "account/account";
    }

    /**
     * What the status section shows. The profile does not say whether a PENDING account has confirmed: the
     * mailbox's confirmation code form shows until the account is ACTIVE (confirming twice is refused with the
     * API's words).
     */
    private static AccountLive.Standing standing(Api.Account account) {
        return new AccountLive.Standing(account.accountId(), account.status(), !"PENDING".equals(account.status()));
    }

    private static @Nullable String accountsToken(@Nullable String token) {
        String valid = ConsistencyTokens.valid(token);
        return valid != null && valid.startsWith("accounts:") ? valid : null;
    }
}
