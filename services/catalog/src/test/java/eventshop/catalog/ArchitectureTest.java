package eventshop.catalog;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private static final JavaClasses CATALOG = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("eventshop.catalog");

    @Test
    void domainCode_doesNotDependOnSpring() {
        noClasses().that().resideInAPackage("..domain..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .check(CATALOG);
    }

    @Test
    void catalog_importsNoOtherService_onlyContracts() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("eventshop.accounts..", "eventshop.inventory..",
                        "eventshop.carts..", "eventshop.orders..", "eventshop.payments..", "eventshop.views..",
                        "eventshop.functions..", "eventshop.edge..", "eventshop.launcher..")
                .check(CATALOG);
    }

    @Test
    void theRulesSeeTheCatalogsClasses() {
        // an import that found nothing would let every rule above pass
        org.assertj.core.api.Assertions.assertThat(CATALOG.containPackage("eventshop.catalog.products.domain")).isTrue();
    }
}
