package eventshop.web.account;

import eventshop.eventsourcing.security.EdgeUser;
import eventshop.web.calls.Api;
import eventshop.web.calls.Refused;
import eventshop.web.calls.Shop;
import eventshop.web.site.SignIn;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Register ({@code /register}, at accounts) and the login page ({@code /login}). The login form posts to edge,
 * which owns the sessions: on success it sets the session cookie and redirects to {@code next}; on failure it
 * redirects back here with the problem's type and words ({@code error}, {@code detail}) and the e-mail typed.
 */
@Controller
class RegistrationPages {

    /** The problems edge's login answers, in the words the page shows (what edge says, not what the URL says). */
    static final Map<String, String> LOGIN_PROBLEMS = Map.of(
            "invalid-credentials", "The e-mail or the password is wrong.",
            "account-suspended", "This account is suspended: it cannot log in or check out. Ask the store to reactivate it.",
            "account-archived", "This account is archived: it can no longer log in.",
            "session-ended", "Your session has ended: log in again.",
            "csrf", "The form was too old or came from elsewhere: please try again.",
            "service-unavailable", "Logging in is not possible right now: try again shortly.",
            "too-many-login-attempts", "Too many failed logins with this e-mail address or from your network: wait a"
                    + " few minutes and try again.");

    private final Shop shop;

    RegistrationPages(Shop shop) {
        this.shop = shop;
    }

    @GetMapping("/login")
    String login(@RequestParam(required = false) @Nullable String next, @RequestParam(required = false) @Nullable String error,
                 @RequestParam(required = false) @Nullable String email, @RequestParam(required = false) @Nullable String registered,
                 Model model) {
        model.addAttribute("next", SignIn.localPath(next));
        model.addAttribute("email", email == null || email.length() > 254 ? "" : email);
        model.addAttribute("error", error == null ? null : LOGIN_PROBLEMS.getOrDefault(error, "Logging in failed."));
        model.addAttribute("registered", registered != null);
        return "account/login";
    }

    @GetMapping("/register")
    String form(Model model) {
        model.addAttribute("name", "");
        model.addAttribute("email", "");
        model.addAttribute("errors", Map.of());
        return "account/register";
    }

    @PostMapping("/register")
    String register(EdgeUser user, @RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String email,
                    @RequestParam(defaultValue = "") String password, Model model, HttpServletResponse response) {
        try {
            shop.register(new Api.Registration(email.strip(), name.strip(), password));
            return "redirect:" + UriComponentsBuilder.fromPath("/login").queryParam("registered", "1")
                    .queryParam("next", "/mailbox").queryParam("email", "{email}").encode()
                    .buildAndExpand(email.strip()).toUriString();
        } catch (Refused refused) {
            response.setStatus(refused.status() == 409 || refused.status() == 429 ? refused.status()
                    : HttpStatus.UNPROCESSABLE_CONTENT.value());
            Map<String, String> errors = refused.fieldErrors().isEmpty()
                    ? Map.of(refused.status() == 409 ? "email" : "form", refused.detail()) : refused.fieldErrors();
            model.addAttribute("name", name);
            model.addAttribute("email", email);
            model.addAttribute("errors", errors);
            return "account/register";
        }
    }
}
