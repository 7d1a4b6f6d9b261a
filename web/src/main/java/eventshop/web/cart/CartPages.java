package eventshop.web.cart;

import eventshop.eventsourcing.security.EdgeUser;
import eventshop.web.calls.Api;
import eventshop.web.calls.Refused;
import eventshop.web.calls.Shop;
import eventshop.web.site.CartBadge;
import eventshop.web.site.ConsistencyTokens;
import eventshop.web.site.SignIn;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The cart ({@code /cart}): lines with quantity change and remove, subtotal, 6% tax and total as carts computes
 * them. Each change posts a form and redirects back with the command's consistency token. The page reads the
 * cart once: the header's badge is counted from the same read.
 */
@Controller
class CartPages {

    private final Shop shop;

    CartPages(Shop shop) {
        this.shop = shop;
    }

    @GetMapping("/cart")
    @CartBadge.FromThePage
    String cart(EdgeUser user, @RequestParam(name = ConsistencyTokens.PARAMETER, required = false) @Nullable String token,
                Model model, HttpServletRequest request) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        Api.Cart cart = shop.cart(cartsToken(token));
        model.addAttribute("cart", cart);
        CartBadge.show(model, cart);
        return "cart/cart";
    }

    @PostMapping("/cart/items/{sku}")
    String changeQuantity(EdgeUser user, @PathVariable String sku, @RequestParam(defaultValue = "") String quantity,
                          Model model, HttpServletRequest request, HttpServletResponse response) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        try {
            Integer count = eventshop.web.site.Forms.wholeNumber(quantity);
            if (count == null) {
                throw new Refused(400, "invalid-fields", "must be a whole number", Map.of("quantity", "must be a whole number"));
            }
            return ConsistencyTokens.redirect("/cart", shop.changeQuantity(sku, count).consistencyToken());
        } catch (Refused refused) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("cart", shop.cart(null));
            model.addAttribute("errorSku", sku);
            model.addAttribute("errorQuantity", quantity);
            model.addAttribute("error", refused.fieldErrors().getOrDefault("quantity", refused.detail()));
            return "cart/cart";
        }
    }

    @PostMapping("/cart/items/{sku}/remove")
    String remove(EdgeUser user, @PathVariable String sku, HttpServletRequest request) {
        if (user.isAnonymous()) {
            return SignIn.redirect(request);
        }
        return ConsistencyTokens.redirect("/cart", shop.removeFromCart(sku).consistencyToken());
    }

    /** Only a token of carts' own is for the cart (carts refuses those of services it does not follow). */
    private static @Nullable String cartsToken(@Nullable String token) {
        String valid = ConsistencyTokens.valid(token);
        return valid != null && valid.startsWith("carts:") ? valid : null;
    }


}
