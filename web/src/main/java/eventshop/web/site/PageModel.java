package eventshop.web.site;

import eventshop.eventsourcing.privacy.Sealing;
import eventshop.eventsourcing.security.EdgeUser;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every page's header and forms need: who is signed in and the CSRF token for the forms. The header's cart
 * badge is {@link CartBadge}'s, read while the page makes its own calls.
 *
 * <p>The signed-in e-mail arrives sealed in edge's token (docs/privacy.md) and is opened here, where the header
 * shows it. A header never fails a page: if accounts cannot give the key just now, or the value does not open, the
 * header shows no e-mail.
 */
@ControllerAdvice
class PageModel {

    private static final System.Logger LOG = System.getLogger(PageModel.class.getName());

    private final Sealing sealing;

    PageModel(Sealing sealing) {
        this.sealing = sealing;
    }

    @ModelAttribute("visitor")
    EdgeUser visitor(EdgeUser user) {
        return new EdgeUser(user.id(), shown(sealing, user.email()), user.roles());
    }

    @ModelAttribute("csrf")
    String csrf(HttpServletRequest request) {
        return Csrf.token(request);
    }

    /** {@code value} opened for a page; empty if it cannot be opened now. */
    static String shown(Sealing sealing, String value) {
        if (!value.startsWith(Sealing.PREFIX)) {
            return value;
        }
        try {
            return sealing.open(value);
        } catch (RuntimeException unavailable) {
            LOG.log(System.Logger.Level.DEBUG, "a sealed e-mail in the header could not be opened", unavailable);
            return "";
        }
    }
}
