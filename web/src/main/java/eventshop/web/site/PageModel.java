package eventshop.web.site;

import eventshop.eventsourcing.calls.ServiceUnavailable;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.web.calls.Refused;
import eventshop.web.calls.Shop;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every page's header and forms need: who is signed in, the CSRF token for the forms, and the cart badge
 * (the number of items in the customer's cart, read from carts, which folds the cart's stream, so it is never
 * older than the customer's last change). A badge that cannot be read is left out; the page still renders.
 */
@ControllerAdvice
class PageModel {

    private final Shop shop;

    PageModel(Shop shop) {
        this.shop = shop;
    }

    @ModelAttribute("visitor")
    EdgeUser visitor(EdgeUser user) {
        return user;
    }

    @ModelAttribute("csrf")
    String csrf(HttpServletRequest request) {
        return Csrf.token(request);
    }

    @ModelAttribute("cartCount")
    @Nullable Integer cartCount(EdgeUser user, HttpServletRequest request) {
        if (user.isAnonymous() || !"GET".equals(request.getMethod()) || request.getRequestURI().endsWith("/live")) {
            return null;
        }
        try {
            return shop.cart(null).itemCount();
        } catch (ServiceUnavailable | Refused unreadable) {
            return null;
        }
    }
}
