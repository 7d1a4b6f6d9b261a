package eventshop.payments;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Domain code stays plain Java; the service uses no other service's code, only contracts. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("eventshop.payments");

    @Test
    void domainPackages_dependOnNoSpring() {
        noClasses().that().resideInAPackage("..domain..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "tools.jackson..",
                        "com.fasterxml..", "jakarta.persistence..", "java.sql..", "javax.sql..")
                .check(CLASSES);
    }

    @Test
    void domainPackages_doNotReachTheStoreOrTheWeb() {
        noClasses().that().resideInAPackage("..domain..")
                .should().dependOnClassesThat().resideInAnyPackage("eventshop.eventstore..",
                        "eventshop.payments.cards", "eventshop.payments.payment", "eventshop.payments.commands")
                .check(CLASSES);
    }

    @Test
    void theCardNumber_isReadOnlyInsideTheCardsDomain() {
        noClasses().that().resideOutsideOfPackage("eventshop.payments.cards.domain")
                .should().callMethod(eventshop.payments.cards.domain.CardNumber.class, "digits")
                .check(CLASSES);
    }

    @Test
    void noOtherServicesCode() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("eventshop.accounts..", "eventshop.catalog..",
                        "eventshop.carts..", "eventshop.orders..", "eventshop.inventory..", "eventshop.views..",
                        "eventshop.edge..", "eventshop.launcher..")
                .check(CLASSES);
    }
}
