package eventshop.catalog.products.domain;

import eventshop.contracts.catalog.CatalogEvent;
import eventshop.contracts.catalog.CatalogEvent.ProductAdded;
import eventshop.contracts.catalog.CatalogEvent.ProductDiscontinued;
import eventshop.contracts.catalog.CatalogEvent.ProductPriceChanged;
import eventshop.eventsourcing.decider.Decider;
import eventshop.eventsourcing.decider.DomainError;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A product of the catalog, one stream per sku ({@code product-<sku>}): added once with its price,
 * repriced, discontinued for good. Its events are the published {@link CatalogEvent}s.
 */
public final class Product {

    /** What a sku looks like: 1 to 40 of A-Z, 0-9 and '-'. */
    public static final String SKU_FORMAT = "[A-Z0-9-]{1,40}";
    public static final Pattern SKU = Pattern.compile(SKU_FORMAT);
    public static final long MAX_PRICE_CENTS = 100_000_000L;
    public static final int MAX_NAME = 200;
    public static final int MAX_DESCRIPTION = 2000;
    public static final int MAX_IMAGE_URL = 500;

    public static final Decider<Command, CatalogEvent, State> DECIDER =
            new Decider<>(new Unknown(), Product::evolve, Product::decide);

    private Product() {
    }

    /** The stream that holds the product {@code sku}. */
    public static String streamId(String sku) {
        return "product-" + sku;
    }

    // ---------------------------------------------------------------- commands

    public sealed interface Command {
        String sku();
    }

    /** {@code imageUrl} may be empty, never null. */
    public record AddProduct(String sku, String name, String description, long priceCents, String imageUrl)
            implements Command {
    }

    public record ChangePrice(String sku, long priceCents) implements Command {
    }

    public record DiscontinueProduct(String sku) implements Command {
    }

    // ---------------------------------------------------------------- state

    public sealed interface State {
    }

    public record Unknown() implements State {
    }

    public record Listed(String sku, long priceCents) implements State {
    }

    public record Retired(String sku) implements State {
    }

    // ---------------------------------------------------------------- the decider

    public static State evolve(State state, CatalogEvent event) {
        return switch (event) {
            case ProductAdded added -> new Listed(added.sku(), added.priceCents());
            case ProductPriceChanged changed -> new Listed(changed.sku(), changed.priceCents());
            case ProductDiscontinued discontinued -> new Retired(discontinued.sku());
        };
    }

    public static List<CatalogEvent> decide(Command command, State state) {
        requireSku(command.sku());
        return switch (command) {
            case AddProduct add -> switch (state) {
                case Unknown unknown -> {
                    requireDetails(add);
                    requirePrice(add.priceCents());
                    yield List.of(new ProductAdded(add.sku(), add.name().strip(), add.description().strip(),
                            add.priceCents(), add.imageUrl().strip()));
                }
                case Listed listed -> throw new ProductAlreadyExists(add.sku());
                case Retired retired -> throw new ProductAlreadyExists(add.sku());
            };
            case ChangePrice change -> switch (state) {
                case Unknown unknown -> throw new UnknownProduct(change.sku());
                case Listed listed -> {
                    requirePrice(change.priceCents());
                    yield listed.priceCents() == change.priceCents() ? List.of()
                            : List.of(new ProductPriceChanged(change.sku(), change.priceCents(), listed.priceCents()));
                }
                case Retired retired -> throw new ProductIsDiscontinued(change.sku());
            };
            case DiscontinueProduct discontinue -> switch (state) {
                case Unknown unknown -> throw new UnknownProduct(discontinue.sku());
                case Listed listed -> List.of(new ProductDiscontinued(discontinue.sku()));
                case Retired retired -> List.of();
            };
        };
    }

    private static void requireSku(String sku) {
        if (sku == null || !SKU.matcher(sku).matches()) {
            throw new InvalidSku(sku);
        }
    }

    private static void requirePrice(long priceCents) {
        if (priceCents <= 0 || priceCents > MAX_PRICE_CENTS) {
            throw new InvalidPrice(priceCents);
        }
    }

    private static void requireDetails(AddProduct add) {
        if (add.name() == null || add.name().isBlank() || add.name().length() > MAX_NAME) {
            throw new InvalidProductDetails("name must be 1.." + MAX_NAME + " characters and not blank");
        }
        if (add.description() == null || add.description().length() > MAX_DESCRIPTION) {
            throw new InvalidProductDetails("description must be at most " + MAX_DESCRIPTION + " characters");
        }
        if (add.imageUrl() == null || add.imageUrl().length() > MAX_IMAGE_URL) {
            throw new InvalidProductDetails("imageUrl must be at most " + MAX_IMAGE_URL + " characters (empty for none)");
        }
    }

    // ---------------------------------------------------------------- errors

    public static final class ProductAlreadyExists extends DomainError {
        public ProductAlreadyExists(String sku) {
            super(Kind.CONFLICT, "product " + sku + " already exists");
        }
    }

    public static final class UnknownProduct extends DomainError {
        public UnknownProduct(String sku) {
            super(Kind.NOT_FOUND, "there is no product " + sku);
        }
    }

    /** The product was discontinued: it can no longer be repriced. */
    public static final class ProductIsDiscontinued extends DomainError {
        public ProductIsDiscontinued(String sku) {
            super(Kind.CONFLICT, "product-discontinued", "product " + sku + " is discontinued");
        }
    }

    public static final class InvalidPrice extends DomainError {
        public InvalidPrice(long priceCents) {
            super(Kind.UNPROCESSABLE, "price must be 1.." + MAX_PRICE_CENTS + " cents, was " + priceCents);
        }
    }

    public static final class InvalidSku extends DomainError {
        public InvalidSku(String sku) {
            super(Kind.UNPROCESSABLE, "sku must be 1..40 characters of A-Z, 0-9 and '-', was '"
                    + (sku == null || sku.length() <= 60 ? sku : sku.substring(0, 60) + "...") + "'");
        }
    }

    public static final class InvalidProductDetails extends DomainError {
        public InvalidProductDetails(String message) {
            super(Kind.UNPROCESSABLE, message);
        }
    }
}
