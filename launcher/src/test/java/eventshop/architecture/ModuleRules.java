package eventshop.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Named;

/**
 * The module rules of the whole reactor, held by one test ({@link ArchitectureTest}) instead of a copy
 * per module: modules depend downward only (eventstore ← eventsourcing ← services ← launcher), the
 * applications the store runs meet only through {@code contracts}, and domain code is plain Java that
 * computes and does nothing else.
 *
 * <p>The rules are written against a {@link Layout} (the root package and the applications), so that
 * the same rules run against eventshop's classes and against a small set of deliberately bad classes
 * ({@code eventshop.architecture.fixture}) that shows each rule catching its violation. Every violation
 * names the offending class and the class it should not use.
 */
final class ModuleRules {

    /**
     * Where the modules are: {@code <root>.eventstore} (the event store, its engines and its TCK),
     * {@code <root>.contracts}, {@code <root>.kafka.broker} (the in-process broker), {@code <root>.edgetoken}
     * (the names of the token edge mints and the starter verifies), {@code <root>.eventsourcing}
     * (the starter), {@code <root>.launcher}, and one package {@code <root>.<app>} per application the store
     * runs (the services, functions, edge).
     */
    record Layout(String root, List<String> apps) {

        String eventStore() {
            return root + ".eventstore";
        }

        String contracts() {
            return root + ".contracts";
        }

        String broker() {
            return root + ".kafka.broker";
        }

        String edgeToken() {
            return root + ".edgetoken";
        }

        String starter() {
            return root + ".eventsourcing";
        }

        String launcher() {
            return root + ".launcher";
        }

        String app(String name) {
            return root + "." + name;
        }

        /** The top-level packages the rules know: a class elsewhere under the root is a module they miss. */
        Set<String> modules() {
            var known = new java.util.TreeSet<>(List.of(eventStore(), contracts(), broker(), edgeToken(), starter(),
                    launcher()));
            apps.forEach(app -> known.add(app(app)));
            return known;
        }
    }

    private final Layout layout;

    ModuleRules(Layout layout) {
        this.layout = layout;
    }

    /** Every rule, named, in the order a reader meets them in docs/architecture.md. */
    List<Named<ArchRule>> all() {
        return List.of(
                Named.of("the applications never use each other's code", applicationsUseNoneOfEachOther()),
                Named.of("nothing but the launcher uses the launcher", onlyTheLauncherUsesTheLauncher()),
                Named.of("the event store uses nothing of ours and no Spring", eventStoreIsPlainJavaOfItsOwn()),
                Named.of("the contracts use nothing of ours and no Spring", contractsArePlainJavaOfTheirOwn()),
                Named.of("the in-process broker uses nothing of ours and no Spring", brokerIsPlainJavaOfItsOwn()),
                Named.of("the edge token uses nothing of ours and no Spring", edgeTokenIsPlainJavaOfItsOwn()),
                Named.of("the starter knows only the event store, the contracts and the edge token",
                        starterKnowsOnlyTheLowerModules()),
                Named.of("only the launcher runs the in-process broker", onlyTheLauncherRunsTheBroker()),
                Named.of("domain code uses no framework", domainUsesNoFramework()),
                Named.of("domain code reads no clock", domainReadsNoClock()),
                Named.of("domain code makes no random ids", domainMakesNoRandomIds()),
                Named.of("domain code does no I/O", domainDoesNoIo()),
                Named.of("domain code uses only domain code, the contracts and the decider API",
                        domainUsesOnlyTheDomain()),
                Named.of("payments: only the cards' domain reads a card number's digits", cardDigitsStayInTheCardsDomain()),
                Named.of("views: built from Kafka only, never from an event store", viewsAreBuiltFromKafkaOnly()));
    }

    /**
     * Services, functions and edge (every application the launcher runs, each a slice) never use each
     * other's code: they meet on Kafka topics and HTTP APIs, through {@code contracts} only.
     */
    ArchRule applicationsUseNoneOfEachOther() {
        return slices().assignedFrom(new SliceAssignment() {
                    @Override
                    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                        return layout.apps().stream()
                                .filter(app -> javaClass.getPackageName().equals(layout.app(app))
                                        || javaClass.getPackageName().startsWith(layout.app(app) + "."))
                                .findFirst().map(SliceIdentifier::of).orElse(SliceIdentifier.ignore());
                    }

                    @Override
                    public String getDescription() {
                        return "the applications " + layout.apps();
                    }
                })
                .should().notDependOnEachOther()
                .because("services, functions and edge meet only on Kafka and HTTP, through the contracts");
    }

    ArchRule onlyTheLauncherUsesTheLauncher() {
        return noClasses().that().resideOutsideOfPackage(layout.launcher() + "..")
                .should().dependOnClassesThat().resideInAPackage(layout.launcher() + "..")
                .because("modules depend downward only: the launcher assembles the store and nothing builds on it");
    }

    ArchRule eventStoreIsPlainJavaOfItsOwn() {
        return plainJavaOfItsOwn(layout.eventStore(), "the event store and its engines are plain Java (DESIGN §3)");
    }

    ArchRule contractsArePlainJavaOfTheirOwn() {
        return plainJavaOfItsOwn(layout.contracts(), "the published language is plain records every service can read");
    }

    ArchRule brokerIsPlainJavaOfItsOwn() {
        return plainJavaOfItsOwn(layout.broker(), "the broker is infrastructure any JVM can run, not part of a service");
    }

    ArchRule edgeTokenIsPlainJavaOfItsOwn() {
        return plainJavaOfItsOwn(layout.edgeToken(), "the token's names are an agreement between edge and the starter,"
                + " readable by both without either knowing the other");
    }

    private ArchRule plainJavaOfItsOwn(String module, String because) {
        return noClasses().that().resideInAPackage(module + "..")
                .should().dependOnClassesThat(ours().and(not(resideInAPackage(module + ".."))))
                .orShould().dependOnClassesThat().resideInAPackage("org.springframework..")
                .because(because);
    }

    /**
     * The starter knows no service, functions, edge, launcher or broker: only what lies below it (the event
     * store, the contracts, and the edge token's names, which its security verifies).
     */
    ArchRule starterKnowsOnlyTheLowerModules() {
        return noClasses().that().resideInAPackage(layout.starter() + "..")
                .should().dependOnClassesThat(ours().and(not(resideInAnyPackage(layout.starter() + "..",
                        layout.eventStore() + "..", layout.contracts() + "..", layout.edgeToken() + ".."))))
                .because("the toolkit serves every service and is written for none of them");
    }

    ArchRule onlyTheLauncherRunsTheBroker() {
        return noClasses().that().resideOutsideOfPackages(layout.launcher() + "..", layout.broker() + "..")
                .should().dependOnClassesThat().resideInAPackage(layout.broker() + "..")
                .because("the embedded topology's broker is the launcher's; services and the starter talk to"
                        + " whatever Kafka they are configured for, and their tests start a broker in test code");
    }

    ArchRule domainUsesNoFramework() {
        return noClasses().that().resideInAPackage("..domain..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta..",
                        "javax.persistence..", "tools.jackson..", "com.fasterxml..")
                .because("deciders are pure functions over records (CONVENTIONS: domain packages import no Spring)");
    }

    ArchRule domainReadsNoClock() {
        return noClasses().that().resideInAPackage("..domain..")
                .should().callMethodWhere(readsTheTime())
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.InstantSource")
                .because("time arrives on the command; a decider that reads the clock decides differently on replay");
    }

    ArchRule domainMakesNoRandomIds() {
        return noClasses().that().resideInAPackage("..domain..")
                .should().callMethodWhere(drawsARandomNumber())
                .orShould().dependOnClassesThat(areRandomGenerators())
                .because("ids arrive on the command; a random id in a decider makes a retried command a new one");
    }

    /**
     * No files, sockets or databases. {@code java.nio.charset} (text to bytes, for a hash) and
     * {@code java.nio.ByteBuffer} are computation, not I/O, and stay allowed.
     */
    ArchRule domainDoesNoIo() {
        return noClasses().that().resideInAPackage("..domain..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio.file..",
                        "java.nio.channels..", "java.net..", "java.sql..", "javax.sql..")
                .because("a decider computes; loading and storing is the command handler's job");
    }

    /**
     * A domain package uses, of ours, only domain packages, the contracts and the starter's decider API
     * ({@code Decider}, {@code DomainError}): not the event store, not its service's controllers,
     * consumers or repositories around it.
     */
    ArchRule domainUsesOnlyTheDomain() {
        return noClasses().that().resideInAPackage("..domain..")
                .should().dependOnClassesThat(ours().and(not(resideInAnyPackage("..domain..",
                        layout.contracts() + "..", layout.starter() + ".decider.."))))
                .because("the application layer calls the domain, never the other way round");
    }

    /** Payments (DESIGN §6): the full card number never leaves the cards' domain, where it is checked and dropped. */
    ArchRule cardDigitsStayInTheCardsDomain() {
        String cardsDomain = layout.app("payments") + ".cards.domain";
        return noClasses().that().resideOutsideOfPackage(cardsDomain)
                .should().callMethod(cardsDomain + ".CardNumber", "digits")
                .because("the full number never appears in an event, log or read model");
    }

    /**
     * Views (DESIGN §5): the query side has no log; it reads every service's topics. It may use the
     * starter's projection runtime (issue 12 runs the views on its Kafka-topic source), never a log.
     */
    ArchRule viewsAreBuiltFromKafkaOnly() {
        return noClasses().that().resideInAPackage(layout.app("views") + "..")
                .should().dependOnClassesThat().resideInAPackage(layout.eventStore() + "..")
                .because("the views are built from the topics only, so a second replica over the same topics"
                        + " reaches the same content");
    }

    private DescribedPredicate<JavaClass> ours() {
        return resideInAPackage(layout.root() + "..").as("are ours");
    }

    private static DescribedPredicate<JavaMethodCall> readsTheTime() {
        return describe("read the time (java.time's now(), System.currentTimeMillis(), System.nanoTime())", call -> {
            String owner = call.getTargetOwner().getName();
            String method = call.getName();
            return owner.startsWith("java.time.") && method.equals("now")
                    || owner.equals("java.lang.System") && (method.equals("currentTimeMillis") || method.equals("nanoTime"));
        });
    }

    private static DescribedPredicate<JavaMethodCall> drawsARandomNumber() {
        return describe("draw a random number (UUID.randomUUID(), Math.random())", call -> {
            String owner = call.getTargetOwner().getName();
            String method = call.getName();
            return owner.equals("java.util.UUID") && method.equals("randomUUID")
                    || owner.equals("java.lang.Math") && method.equals("random");
        });
    }

    private static DescribedPredicate<JavaClass> areRandomGenerators() {
        Set<String> generators = Set.of("java.util.Random", "java.security.SecureRandom",
                "java.util.concurrent.ThreadLocalRandom", "java.util.random.RandomGenerator");
        return describe("are random generators " + generators, javaClass -> generators.contains(javaClass.getName()));
    }
}
