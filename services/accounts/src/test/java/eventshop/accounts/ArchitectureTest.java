package eventshop.accounts;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("eventshop.accounts");

    @Test
    void the_domain_imports_no_spring() {
        noClasses().that().resideInAPackage("..domain..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                .check(CLASSES);
    }

    @Test
    void the_domain_does_no_io_and_reads_no_clock() {
        noClasses().that().resideInAPackage("..domain..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio.file..", "java.net..",
                        "eventshop.eventstore..")
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.util.UUID.class, "randomUUID")
                .check(CLASSES);
    }

    @Test
    void accounts_uses_no_other_service() {
        noClasses().that().resideInAPackage("eventshop.accounts..")
                .should().dependOnClassesThat().resideInAnyPackage("eventshop.catalog..", "eventshop.inventory..",
                        "eventshop.carts..", "eventshop.orders..", "eventshop.payments..", "eventshop.views..",
                        "eventshop.edge..")
                .check(CLASSES);
    }
}
