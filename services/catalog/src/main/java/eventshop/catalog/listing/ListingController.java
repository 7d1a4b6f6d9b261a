package eventshop.catalog.listing;

import eventshop.catalog.products.domain.Product;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The product listing, for anyone with a valid edge token (anonymous callers included). */
@RestController
@RequestMapping("/api/catalog/products")
class ListingController {

    private final Listing listing;

    ListingController(Listing listing) {
        this.listing = listing;
    }

    @GetMapping
    Listing.Page search(@RequestParam(required = false) @Size(max = 200) @Nullable String q,
                        @RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
                        @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size,
                        @RequestHeader(name = ConsistencyToken.HEADER, required = false) @Nullable String token) {
        return listing.search(q, page, size, token);
    }

    @GetMapping("/{sku}")
    Listing.Details product(@PathVariable @Pattern(regexp = Product.SKU_FORMAT) String sku,
                            @RequestHeader(name = ConsistencyToken.HEADER, required = false) @Nullable String token) {
        return listing.product(sku, token).orElseThrow(() -> new Product.UnknownProduct(sku));
    }
}
