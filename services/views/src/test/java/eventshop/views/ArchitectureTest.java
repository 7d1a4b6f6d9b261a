package eventshop.views;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The views use no other service's code, only contracts, and no event store (they only read Kafka: they
 * are a topic projection of the starter's projection runtime, which they use since issue 12).
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("eventshop.views");

    @Test
    void noOtherServicesCode() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("eventshop.accounts..", "eventshop.catalog..",
                        "eventshop.carts..", "eventshop.inventory..", "eventshop.orders..", "eventshop.payments..",
                        "eventshop.functions..", "eventshop.edge..", "eventshop.launcher..")
                .check(CLASSES);
    }

    @Test
    void theViewsAreBuiltFromKafkaOnly_neverFromAnEventStore() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("eventshop.eventstore..")
                .check(CLASSES);
    }
}
