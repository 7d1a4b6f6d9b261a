package eventshop.catalog.products.domain;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.catalog.products.domain.Product.AddProduct;
import eventshop.catalog.products.domain.Product.ChangePrice;
import eventshop.catalog.products.domain.Product.DiscontinueProduct;
import eventshop.contracts.catalog.CatalogEvent;
import eventshop.contracts.catalog.CatalogEvent.ProductAdded;
import eventshop.contracts.catalog.CatalogEvent.ProductDiscontinued;
import eventshop.contracts.catalog.CatalogEvent.ProductPriceChanged;
import eventshop.eventsourcing.decider.DomainError;
import eventshop.eventsourcing.testing.DeciderFixture;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProductTest {

    private static final String SKU = "SKU-24642";
    private static final ProductAdded ADDED = new ProductAdded(SKU, "Espresso cup", "Porcelain, 80 ml", 1299, "");

    private final DeciderFixture<Product.Command, CatalogEvent, Product.State> product = DeciderFixture.of(Product.DECIDER);

    @Nested
    class Adding {

        @Test
        void addProduct_addsIt() {
            Product.State state = product.when(new AddProduct(SKU, "Espresso cup", "Porcelain, 80 ml", 1299, ""))
                    .then(ADDED);

            assertThat(state).isEqualTo(new Product.Listed(SKU, 1299));
        }

        @Test
        void addProduct_stripsSurroundingWhitespace() {
            product.when(new AddProduct(SKU, "  Espresso cup ", " Porcelain, 80 ml\n", 1299, " /img/cup.svg "))
                    .then(new ProductAdded(SKU, "Espresso cup", "Porcelain, 80 ml", 1299, "/img/cup.svg"));
        }

        @Test
        void addProduct_fails_whenTheSkuIsTaken() {
            Product.ProductAlreadyExists error = product.given(ADDED)
                    .when(new AddProduct(SKU, "Other", "", 100, "")).thenError(Product.ProductAlreadyExists.class);

            assertThat(error.kind()).isEqualTo(DomainError.Kind.CONFLICT);
            assertThat(error.slug()).isEqualTo("product-already-exists");
        }

        @Test
        void addProduct_fails_whenTheSkuWasDiscontinued() {
            product.given(ADDED, new ProductDiscontinued(SKU))
                    .when(new AddProduct(SKU, "Espresso cup", "", 1299, ""))
                    .thenError(Product.ProductAlreadyExists.class);
        }

        @ParameterizedTest
        @ValueSource(longs = {0, -1, -1299, Product.MAX_PRICE_CENTS + 1, Long.MAX_VALUE, Long.MIN_VALUE})
        void addProduct_fails_forAPriceOutOfRange(long price) {
            Product.InvalidPrice error = product.when(new AddProduct(SKU, "Cup", "", price, ""))
                    .thenError(Product.InvalidPrice.class);

            assertThat(error.kind()).isEqualTo(DomainError.Kind.UNPROCESSABLE);
        }

        @ParameterizedTest
        @ValueSource(longs = {1, Product.MAX_PRICE_CENTS})
        void addProduct_acceptsThePriceLimits(long price) {
            product.when(new AddProduct(SKU, "Cup", "", price, "")).then(new ProductAdded(SKU, "Cup", "", price, ""));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "sku-1", "SKU 1", "SKU_1", "SKU-Ä", "SKU-1234567890-1234567890-1234567890-1234"})
        void addProduct_fails_forAMalformedSku(String sku) {
            product.when(new AddProduct(sku, "Cup", "", 100, "")).thenError(Product.InvalidSku.class);
        }

        @Test
        void addProduct_acceptsASkuOf40Characters() {
            String sku = "SKU-1234567890-1234567890-1234567890-123";
            assertThat(sku).hasSize(40);
            product.when(new AddProduct(sku, "Cup", "", 100, "")).then(new ProductAdded(sku, "Cup", "", 100, ""));
        }

        @Test
        void addProduct_fails_forABlankOrOverlongName() {
            product.when(new AddProduct(SKU, " ", "", 100, "")).thenError(Product.InvalidProductDetails.class);
            product.when(new AddProduct(SKU, "x".repeat(201), "", 100, ""))
                    .thenError(Product.InvalidProductDetails.class);
        }

        @Test
        void addProduct_fails_forAnOverlongDescriptionOrImageUrl() {
            product.when(new AddProduct(SKU, "Cup", "x".repeat(2001), 100, ""))
                    .thenError(Product.InvalidProductDetails.class);
            product.when(new AddProduct(SKU, "Cup", "", 100, "/" + "x".repeat(500)))
                    .thenError(Product.InvalidProductDetails.class);
        }
    }

    @Nested
    class Repricing {

        @Test
        void changePrice_recordsTheOldAndNewPrice() {
            Product.State state = product.given(ADDED).when(new ChangePrice(SKU, 1499))
                    .then(new ProductPriceChanged(SKU, 1499, 1299));

            assertThat(state).isEqualTo(new Product.Listed(SKU, 1499));
        }

        @Test
        void changePrice_takesTheLatestPriceAsPrevious() {
            product.given(ADDED, new ProductPriceChanged(SKU, 1499, 1299))
                    .when(new ChangePrice(SKU, 999))
                    .then(new ProductPriceChanged(SKU, 999, 1499));
        }

        @Test
        void changePrice_toTheSamePrice_decidesNothing() {
            product.given(ADDED).when(new ChangePrice(SKU, 1299)).thenNothing();
        }

        @Test
        void changePrice_fails_forAnUnknownProduct() {
            Product.UnknownProduct error = product.when(new ChangePrice(SKU, 1499))
                    .thenError(Product.UnknownProduct.class);

            assertThat(error.kind()).isEqualTo(DomainError.Kind.NOT_FOUND);
        }

        @Test
        void changePrice_fails_forADiscontinuedProduct() {
            Product.ProductIsDiscontinued error = product.given(ADDED, new ProductDiscontinued(SKU))
                    .when(new ChangePrice(SKU, 1499))
                    .thenError(Product.ProductIsDiscontinued.class);

            assertThat(error.kind()).isEqualTo(DomainError.Kind.CONFLICT);
            assertThat(error.slug()).isEqualTo("product-discontinued");
        }

        @ParameterizedTest
        @ValueSource(longs = {0, -5, Product.MAX_PRICE_CENTS + 1})
        void changePrice_fails_forAPriceOutOfRange(long price) {
            product.given(ADDED).when(new ChangePrice(SKU, price)).thenError(Product.InvalidPrice.class);
        }
    }

    @Nested
    class Discontinuing {

        @Test
        void discontinueProduct_discontinuesIt() {
            Product.State state = product.given(ADDED).when(new DiscontinueProduct(SKU))
                    .then(new ProductDiscontinued(SKU));

            assertThat(state).isEqualTo(new Product.Retired(SKU));
        }

        @Test
        void discontinueProduct_again_decidesNothing() {
            product.given(ADDED, new ProductDiscontinued(SKU)).when(new DiscontinueProduct(SKU)).thenNothing();
        }

        @Test
        void discontinueProduct_fails_forAnUnknownProduct() {
            product.when(new DiscontinueProduct(SKU)).thenError(Product.UnknownProduct.class);
        }
    }
}
