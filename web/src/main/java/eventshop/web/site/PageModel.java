package eventshop.web.site;

import eventshop.eventsourcing.security.EdgeUser;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every page's header and forms need: who is signed in and the CSRF token for the forms. The header's cart
 * badge is {@link CartBadge}'s, read while the page makes its own calls.
 */
@ControllerAdvice
class PageModel {

    @ModelAttribute("visitor")
    EdgeUser visitor(EdgeUser user) {
        return user;
    }

    @ModelAttribute("csrf")
    String csrf(HttpServletRequest request) {
        return Csrf.token(request);
    }
}
