package eventshop.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import eventshop.launcher.ServiceApp;
import eventshop.launcher.Topology;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module rules ({@link ModuleRules}) over the main code of every module of the reactor. It lives in
 * the launcher's tests because the launcher is the one module that already has every other module on
 * its classpath (the PostgreSQL engine and the event store's TCK are added as test dependencies), so no
 * module exists only to hold this test. The applications are the ones the launcher runs ({@link Topology}),
 * so a new one is under the rules from its first start.
 */
class ArchitectureTest {

    static final ModuleRules.Layout EVENTSHOP = new ModuleRules.Layout("eventshop",
            Stream.concat(Topology.services().stream(), Stream.of(Topology.edge())).map(ServiceApp::name).toList());

    private static final JavaClasses REACTOR = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // a module's test kit (the starter's *-tests.jar on the launcher's test classpath) is test code too
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages(EVENTSHOP.root());

    static List<Named<ArchRule>> rules() {
        return new ModuleRules(EVENTSHOP).all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void theReactorKeepsTheRule(ArchRule rule) {
        rule.check(REACTOR);
    }

    @Test
    void theRulesSeeEveryModule_andKnowEveryModuleTheySee() {
        // an import that found nothing, or a module the rules do not know, would let every rule pass
        Set<String> seen = REACTOR.stream().map(JavaClass::getPackageName)
                .map(ArchitectureTest::module).collect(Collectors.toSet());

        assertThat(seen).containsExactlyInAnyOrderElementsOf(EVENTSHOP.modules());
        assertThat(REACTOR.containPackage("eventshop.eventstore.postgres")).as("the PostgreSQL engine").isTrue();
        assertThat(REACTOR.containPackage("eventshop.eventstore.tck")).as("the event store's TCK").isTrue();
        assertThat(REACTOR.stream().filter(c -> c.getPackageName().contains(".domain")).map(ArchitectureTest::module)
                .collect(Collectors.toSet()))
                .as("the services with domain packages")
                .containsExactlyInAnyOrder("eventshop.accounts", "eventshop.catalog", "eventshop.inventory",
                        "eventshop.carts", "eventshop.orders", "eventshop.payments");
    }

    /** {@code eventshop.x.y.Z} → {@code eventshop.x}, and the broker's two levels ({@code eventshop.kafka.broker}). */
    private static String module(String packageName) {
        String[] parts = packageName.split("\\.");
        int depth = parts.length > 2 && parts[1].equals("kafka") ? 3 : 2;
        return String.join(".", List.of(parts).subList(0, Math.min(depth, parts.length)));
    }

    private static String module(JavaClass javaClass) {
        return module(javaClass.getPackageName());
    }
}
