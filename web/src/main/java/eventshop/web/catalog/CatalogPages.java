package eventshop.web.catalog;

import eventshop.eventsourcing.security.EdgeUser;
import eventshop.web.calls.Api;
import eventshop.web.calls.Concurrently;
import eventshop.web.calls.Refused;
import eventshop.web.calls.Shop;
import eventshop.web.site.ConsistencyTokens;
import eventshop.web.site.SignIn;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Home (featured products and a search box), the catalog ({@code /products?q=&sort=&page=}: free-text search,
 * sort by name or price, paging, a freshness note from the views) and the product page (price, description,
 * live availability, add to cart). The listing comes from the views, a product from catalog; the catalog reads
 * the listing and the views' freshness at the same time.
 */
@Controller
class CatalogPages {

    static final int PAGE_SIZE = 12;
    /** The sorts the page offers, as the listing names them, and their labels. */
    static final Map<String, String> SORTS = new java.util.LinkedHashMap<>(Map.of());

    static {
        SORTS.put("name", "Name");
        SORTS.put("price", "Price: low to high");
        SORTS.put("-price", "Price: high to low");
    }

    private final Shop shop;
    private final StockLive stock;
    private final Concurrently concurrently;

    CatalogPages(Shop shop, StockLive stock, Concurrently concurrently) {
        this.shop = shop;
        this.stock = stock;
        this.concurrently = concurrently;
    }

    @GetMapping("/")
    String home(Model model) {
        model.addAttribute("featured", shop.products(null, 0, 4, "name").items());
        return "catalog/home";
    }

    @GetMapping("/products")
    String catalog(@RequestParam(required = false) @Nullable String q,
                   @RequestParam(defaultValue = "name") String sort,
                   @RequestParam(defaultValue = "0") int page, Model model) {
        String query = q == null ? "" : q.strip();
        if (query.length() > 200) {
            query = query.substring(0, 200);
        }
        String order = SORTS.containsKey(sort) ? sort : "name";
        int number = Math.max(0, Math.min(page, 100_000));
        String search = query;
        Concurrently.Both<Api.ProductPage, Api.Freshness> read = concurrently.both(
                () -> shop.products(search, number, PAGE_SIZE, order), shop::listingFreshness);
        Api.ProductPage products = read.first();
        long pages = Math.max(1, (products.total() + PAGE_SIZE - 1) / PAGE_SIZE);
        model.addAttribute("q", query);
        model.addAttribute("sort", order);
        model.addAttribute("sorts", SORTS);
        model.addAttribute("products", products);
        model.addAttribute("page", number);
        model.addAttribute("pages", pages);
        model.addAttribute("freshness", read.second());
        return "catalog/catalog";
    }

    @GetMapping("/products/{sku}")
    String product(@PathVariable String sku, Model model) {
        model.addAttribute("product", shop.product(sku));
        model.addAttribute("quantity", 1);
        return "catalog/product";
    }

    @GetMapping(path = "/products/{sku}/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter liveAvailability(@PathVariable String sku) {
        Api.Product product = shop.product(sku);
        return stock.open(new StockLive.Availability(product.sku(), Math.max(0, product.available())));
    }

    /** Adds to the cart and shows it; a refusal is shown next to the quantity, with what was typed. */
    @PostMapping("/cart/items")
    String addToCart(EdgeUser user, @RequestParam(defaultValue = "") String sku,
                     @RequestParam(defaultValue = "") String quantity, Model model, HttpServletRequest request,
                     jakarta.servlet.http.HttpServletResponse response) {
        if (user.isAnonymous()) {
            return "redirect:/login?next=/products/" + org.springframework.web.util.UriUtils.encodePathSegment(sku,
                    java.nio.charset.StandardCharsets.UTF_8);
        }
        Integer count = eventshop.web.site.Forms.wholeNumber(quantity);
        try {
            if (count == null) {
                throw new Refused(400, "invalid-fields", "quantity must be a whole number", Map.of("quantity",
                        "must be a whole number"));
            }
            Shop.Done<Api.Cart> done = shop.addToCart(sku, count);
            return ConsistencyTokens.redirect("/cart", done.consistencyToken());
        } catch (Refused refused) {
            response.setStatus(refused.status() == 404 ? HttpStatus.NOT_FOUND.value() : HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("product", shop.product(sku));
            model.addAttribute("quantity", quantity);
            model.addAttribute("errors", refused.fieldErrors());
            model.addAttribute("error", refused.fieldErrors().isEmpty() ? refused.detail() : null);
            return "catalog/product";
        }
    }

}
