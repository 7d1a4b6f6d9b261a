package eventshop.carts;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The domain stays plain Java, and carts talks to other services only through {@code contracts}. */
class ArchitectureTest {

    private static final JavaClasses CARTS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("eventshop.carts");

    @Test
    void domain_importsNoSpring() {
        noClasses().that().resideInAPackage("..domain..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta..")
                .check(CARTS);
    }

    @Test
    void domain_doesNoIo_andNeitherReadsTheClockNorMakesIds() {
        noClasses().that().resideInAPackage("..domain..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "java.io..", "java.nio..",
                        "eventshop.eventstore..", "eventshop.carts.prices..")
                .orShould().callMethod(java.util.UUID.class, "randomUUID")
                .orShould().callMethod(java.time.Instant.class, "now")
                .check(CARTS);
    }

    @Test
    void carts_importsNoOtherService() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("eventshop.accounts..", "eventshop.catalog..",
                        "eventshop.inventory..", "eventshop.orders..", "eventshop.payments..", "eventshop.views..",
                        "eventshop.edge..", "eventshop.launcher..")
                .check(CARTS);
    }
}
