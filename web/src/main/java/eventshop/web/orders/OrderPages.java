package eventshop.web.orders;

import eventshop.eventsourcing.security.EdgeUser;
import eventshop.web.calls.Api;
import eventshop.web.calls.Concurrently;
import eventshop.web.calls.Refused;
import eventshop.web.calls.Shop;
import eventshop.web.site.ConsistencyTokens;
import eventshop.web.site.Csrf;
import eventshop.web.site.SignIn;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The customer's orders: the history ({@code /orders}, from the views), one order ({@code /orders/{id}}, from
 * its owner, with a consistency token after checkout or cancel, so it already shows the command), its live steps
 * ({@code /orders/{id}/live}, server-sent events) and cancel. Another customer's order is a 404, as at the API.
 */
@Controller
class OrderPages {

    private final Shop shop;
    private final OrderLive live;
    private final Concurrently concurrently;

    OrderPages(Shop shop, OrderLive live, Concurrently concurrently) {
        this.shop = shop;
        this.live = live;
        this.concurrently = concurrently;
    }

    @GetMapping("/orders")
    String history(EdgeUser user, @RequestParam(defaultValue = "0") int page, Model model, HttpServletRequest request) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        int number = Math.max(0, Math.min(page, 100_000));
        Concurrently.Both<Api.OrderPage, Api.Freshness> read = concurrently.both(() -> shop.orders(number, null),
                shop::listingFreshness);
        model.addAttribute("orders", read.first());
        model.addAttribute("freshness", read.second());
        return "orders/history";
    }

    @GetMapping("/orders/{orderId}")
    String order(EdgeUser user, @PathVariable String orderId,
                 @RequestParam(name = ConsistencyTokens.PARAMETER, required = false) @Nullable String token,
                 Model model, HttpServletRequest request) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        Api.Order order = shop.order(orderId, ConsistencyTokens.valid(token));
        model.addAttribute("order", order);
        model.addAttribute("steps", OrderSteps.of(order, Csrf.token(request)));
        return "orders/order";
    }

    @GetMapping(path = "/orders/{orderId}/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter liveSteps(EdgeUser user, @PathVariable String orderId, HttpServletRequest request) {
        if (user.isAnonymous()) {
            throw new eventshop.web.calls.NotFound("order " + orderId);
        }
        // the order is read as the customer first: a stream opens only on one's own order
        return live.open(OrderSteps.of(shop.order(orderId, null), Csrf.token(request)));
    }

    @PostMapping("/orders/{orderId}/cancel")
    String cancel(EdgeUser user, @PathVariable String orderId, Model model, HttpServletRequest request) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        try {
            Shop.Done<Api.Nothing> done = shop.cancel(orderId);
            return ConsistencyTokens.redirect("/orders/" + orderId, done.consistencyToken());
        } catch (Refused refused) {
            model.addAttribute("cancelError", refused.detail());
            return order(user, orderId, null, model, request);
        }
    }
}
