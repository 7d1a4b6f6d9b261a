package eventshop.orders;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Domain code stays plain Java; the service uses no other service's code, only contracts. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("eventshop.orders");

    @Test
    void domainPackages_dependOnNoSpring() {
        noClasses().that().resideInAPackage("..domain..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "tools.jackson..",
                        "com.fasterxml..", "jakarta.persistence..", "java.sql..", "javax.sql..")
                .check(CLASSES);
    }

    @Test
    void domainPackages_doNotReachTheStoreOrTheRestOfTheService() {
        noClasses().that().resideInAPackage("..domain..")
                .should().dependOnClassesThat().resideInAnyPackage("eventshop.eventstore..",
                        "eventshop.orders.order", "eventshop.orders.saga", "eventshop.orders.deadlines",
                        "eventshop.orders.history")
                .check(CLASSES);
    }

    @Test
    void noOtherServicesCode() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("eventshop.accounts..", "eventshop.catalog..",
                        "eventshop.carts..", "eventshop.inventory..", "eventshop.payments..", "eventshop.views..",
                        "eventshop.edge..", "eventshop.launcher..")
                .check(CLASSES);
    }
}
