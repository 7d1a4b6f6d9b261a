package eventshop.catalog.products;

import eventshop.catalog.products.domain.Product;
import eventshop.catalog.products.domain.Product.AddProduct;
import eventshop.catalog.products.domain.Product.ChangePrice;
import eventshop.catalog.products.domain.Product.DiscontinueProduct;
import eventshop.catalog.stock.StockLevels;
import eventshop.contracts.catalog.CatalogEvent;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandResult;
import eventshop.eventsourcing.decider.Correlation;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.resources.EventLog;
import eventshop.eventsourcing.resources.Resource;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventsourcing.web.MultiLineText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.hateoas.EntityModel;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A product: read by anyone with a valid edge token (anonymous callers included), changed by the admin's
 * commands, whose responses carry the command's {@code Consistency-Token}.
 */
@RestController
@RequestMapping("/api/catalog/products")
class ProductsController {

    static final String SKU = Product.SKU_FORMAT;
    static final String PRODUCTS = "/api/catalog/products";

    /**
     * {@code description} and {@code imageUrl} may be left out; {@code imageUrl} is an http(s) URL or a path.
     * The description may span lines (tab and line breaks); every other field is one line.
     */
    record NewProduct(@NotNull @Pattern(regexp = SKU) String sku,
                      @NotBlank @Size(max = Product.MAX_NAME) String name,
                      @Size(max = Product.MAX_DESCRIPTION) @MultiLineText @Nullable String description,
                      @NotNull Long priceCents,
                      @Size(max = Product.MAX_IMAGE_URL) @Pattern(regexp = "(https?://|/)[^\\s\"'<>]*")
                      @Nullable String imageUrl) {
    }

    record NewPrice(@NotNull Long priceCents) {
    }

    /** A product as the admin sees it right after a command. */
    record ProductView(String sku, String name, String description, long priceCents, int available,
                       String imageUrl, boolean discontinued) {
    }

    record PriceView(String sku, long priceCents) {
    }

    private final Products products;
    private final StockLevels stockLevels;
    private final ProductDetails details;
    private final EventLog eventLog;

    ProductsController(Products products, StockLevels stockLevels, ProductDetails details, EventLog eventLog) {
        this.eventLog = eventLog;
        this.products = products;
        this.stockLevels = stockLevels;
        this.details = details;
    }

    /**
     * The product, linking itself; for an administrator also its events and, until it is discontinued,
     * {@code reprice} (PUT) and {@code discontinue} (DELETE). Anyone else sees no command.
     */
    @GetMapping("/{sku}")
    EntityModel<ProductDetails.Details> product(@PathVariable @Pattern(regexp = SKU) String sku, EdgeUser user,
                                                @Nullable ConsistencyToken token) {
        ProductDetails.Details product = details.of(sku, token).orElseThrow(() -> new Product.UnknownProduct(sku));
        return resource(product, product.sku(), product.changeable(), user).model();
    }

    /** The product's event log (administrators: products have no owner), oldest first. */
    @GetMapping("/{sku}/events")
    @PreAuthorize("hasRole('ADMIN')")
    List<EventLog.Entry> events(@PathVariable @Pattern(regexp = SKU) String sku,
                                @RequestParam(defaultValue = "0") @Min(0) long fromVersion,
                                @RequestParam(defaultValue = "1000") @Min(1) @Max(EventLog.MAX_LIMIT) int limit) {
        if (products.events(sku).isEmpty()) {
            throw new Product.UnknownProduct(sku);
        }
        return eventLog.read(Product.streamId(sku), fromVersion, limit);
    }

    /** A product's links as {@code user} may follow them. */
    private static <T> Resource<T> resource(T product, String sku, boolean changeable, EdgeUser user) {
        String self = Resource.path(PRODUCTS + "/{sku}", sku);
        Resource<T> resource = Resource.of(product, self);
        if (user.hasRole(EdgeToken.ADMIN)) {
            resource.events(self + "/events")
                    .command("reprice", self + "/price", changeable)
                    .command("discontinue", self, changeable);
        }
        return resource;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<EntityModel<ProductView>> add(@Valid @RequestBody NewProduct body, EdgeUser user,
                                    Correlation correlation) {
        CommandResult<CatalogEvent> result = products.handle(new AddProduct(body.sku(), body.name(),
                        body.description() == null ? "" : body.description(), body.priceCents(),
                        body.imageUrl() == null ? "" : body.imageUrl()), user.id(), correlation.id());
        CatalogEvent.ProductAdded added = (CatalogEvent.ProductAdded) result.events().getFirst();
        return ResponseEntity.created(URI.create("/api/catalog/products/" + added.sku()))
                .header(ConsistencyToken.HEADER, result.token().toString())
                .body(resource(new ProductView(added.sku(), added.name(), added.description(), added.priceCents(),
                        stockLevels.available(added.sku()), added.imageUrl(), false), added.sku(), true, user).model());
    }

    @PutMapping("/{sku}/price")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<PriceView> changePrice(@PathVariable @Pattern(regexp = SKU) String sku,
                                          @Valid @RequestBody NewPrice body, EdgeUser user,
                                          Correlation correlation) {
        CommandResult<CatalogEvent> result = products.handle(new ChangePrice(sku, body.priceCents()), user.id(),
                correlation.id());
        return ResponseEntity.ok().header(ConsistencyToken.HEADER, result.token().toString())
                .body(new PriceView(sku, body.priceCents()));
    }

    @DeleteMapping("/{sku}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<Void> discontinue(@PathVariable @Pattern(regexp = SKU) String sku, EdgeUser user,
                                     Correlation correlation) {
        CommandResult<CatalogEvent> result = products.handle(new DiscontinueProduct(sku), user.id(), correlation.id());
        return ResponseEntity.noContent().header(ConsistencyToken.HEADER, result.token().toString()).build();
    }
}
