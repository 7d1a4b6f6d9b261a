package eventshop.web.site;

import eventshop.eventsourcing.calls.ServiceUnavailable;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.web.calls.Api;
import eventshop.web.calls.Concurrently;
import eventshop.web.calls.NotFound;
import eventshop.web.calls.Refused;
import eventshop.web.calls.Shop;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;

/**
 * The cart badge in every page's header: the number of items in the signed-in customer's cart, read from carts
 * (which folds the cart's stream, so it is never older than the customer's last change). The read starts before
 * the page's handler runs and goes on while the handler makes its own calls ({@link Concurrently}); the count
 * joins the page's model before it renders. A page that reads the cart anyway says so ({@link FromThePage}) and
 * puts the count from its own read ({@link #show}): the cart is then read once. A badge that cannot be read is
 * left out; the page still renders. Only pages get one: GET requests of a signed-in customer, not the live
 * streams, not a redirect.
 */
@Component
public class CartBadge implements HandlerInterceptor {

    /** The model attribute the header's badge shows (none: no badge). */
    public static final String ATTRIBUTE = "cartCount";
    private static final String READING = CartBadge.class.getName() + ".reading";

    /** On a handler that reads the cart itself and {@link #show shows} its count: no read of its own. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    public @interface FromThePage {
    }

    private final Shop shop;
    private final Concurrently concurrently;

    CartBadge(Shop shop, Concurrently concurrently) {
        this.shop = shop;
        this.concurrently = concurrently;
    }

    /** The badge from a cart the page read itself. */
    public static void show(Model model, Api.Cart cart) {
        model.addAttribute(ATTRIBUTE, cart.itemCount());
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (handler instanceof HandlerMethod method && !method.hasMethodAnnotation(FromThePage.class)
                && "GET".equals(request.getMethod()) && !request.getRequestURI().endsWith("/live")
                && SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken jwt
                && !EdgeTokens.user(jwt.getToken()).isAnonymous()) {
            request.setAttribute(READING, concurrently.start(() -> shop.cart(null).itemCount()));
        }
        return true;
    }

    @Override
    public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler,
                           @Nullable ModelAndView page) {
        if (!(request.getAttribute(READING) instanceof CompletableFuture<?> reading) || page == null
                || page.getModelMap().containsAttribute(ATTRIBUTE)
                || page.getViewName() != null && page.getViewName().startsWith("redirect:")) {
            return;
        }
        try {
            page.addObject(ATTRIBUTE, Concurrently.await(reading));
        } catch (ServiceUnavailable | Refused | NotFound unreadable) {
            // no badge; the page renders without it
        }
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
                                @Nullable Exception failure) {
        if (request.getAttribute(READING) instanceof CompletableFuture<?> reading) {
            reading.cancel(true); // a page that failed does not wait for its badge
        }
    }
}
