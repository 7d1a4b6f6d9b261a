package eventshop.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every module rule catches its violation: evaluated over the fixture reactor
 * ({@code eventshop.architecture.fixture}), each rule reports exactly the classes that break it, by
 * name, and none of the lawful ones.
 */
class ModuleRulesTest {

    private static final String FIXTURE = "eventshop.architecture.fixture";
    private static final ModuleRules RULES = new ModuleRules(
            new ModuleRules.Layout(FIXTURE, List.of("payments", "views", "edge", "functions")));
    private static final JavaClasses CLASSES = new ClassFileImporter().importPackages(FIXTURE);

    static Stream<Arguments> rulesAndTheirViolators() {
        return Stream.of(
                rule("the applications never use each other's code", ModuleRules::applicationsUseNoneOfEachOther,
                        "payments.Violations$UsesTheViews", "edge.Violations$CallsPayments",
                        "functions.Violations$ReadsTheViews"),
                rule("nothing but the launcher uses the launcher", ModuleRules::onlyTheLauncherUsesTheLauncher,
                        "payments.Violations$StartsTheStore"),
                rule("the event store uses nothing of ours and no Spring", ModuleRules::eventStoreIsPlainJavaOfItsOwn,
                        "eventstore.Violations$KnowsTheStarter", "eventstore.Violations$UsesSpring"),
                rule("the contracts use nothing of ours and no Spring", ModuleRules::contractsArePlainJavaOfTheirOwn,
                        "contracts.Violations$KnowsAService", "contracts.Violations$UsesSpring"),
                rule("the broker uses nothing of ours and no Spring", ModuleRules::brokerIsPlainJavaOfItsOwn,
                        "kafka.broker.Violations$UsesSpring"),
                rule("the edge token uses nothing of ours and no Spring", ModuleRules::edgeTokenIsPlainJavaOfItsOwn,
                        "edgetoken.Violations$KnowsTheStarter", "edgetoken.Violations$UsesSpring"),
                rule("the starter knows only the event store, the contracts and the edge token",
                        ModuleRules::starterKnowsOnlyTheLowerModules,
                        "eventsourcing.Violations$KnowsAService", "eventsourcing.Violations$RunsTheBroker"),
                rule("only the launcher runs the broker", ModuleRules::onlyTheLauncherRunsTheBroker,
                        "eventsourcing.Violations$RunsTheBroker", "payments.Violations$StartsABroker"),
                rule("domain code uses no framework", ModuleRules::domainUsesNoFramework,
                        "payments.domain.Violations$UsesSpring", "payments.domain.Violations$ReadsJson"),
                rule("domain code reads no clock", ModuleRules::domainReadsNoClock,
                        "payments.domain.Violations$ReadsTheClock", "payments.domain.Violations$KeepsAClock",
                        "payments.domain.Violations$CountsMillis"),
                rule("domain code makes no random ids", ModuleRules::domainMakesNoRandomIds,
                        "payments.domain.Violations$MakesIds", "payments.domain.Violations$RollsDice"),
                rule("domain code does no I/O", ModuleRules::domainDoesNoIo,
                        "payments.domain.Violations$ReadsAFile", "payments.domain.Violations$QueriesADatabase"),
                rule("domain code uses only the domain, the contracts and the decider API",
                        ModuleRules::domainUsesOnlyTheDomain,
                        "payments.domain.Violations$AppendsToTheLog", "payments.domain.Violations$CallsItsHandler"),
                rule("only the cards' domain reads a card number's digits", ModuleRules::cardDigitsStayInTheCardsDomain,
                        "payments.Violations$LeaksTheCardNumber"),
                rule("the views are built from Kafka only", ModuleRules::viewsAreBuiltFromKafkaOnly,
                        "views.Violations$ReadsTheLog"));
    }

    private static Arguments rule(String name, Function<ModuleRules, ArchRule> rule, String... violators) {
        return Arguments.of(name, rule.apply(RULES),
                new TreeSet<>(Arrays.stream(violators).map(violator -> FIXTURE + "." + violator).toList()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rulesAndTheirViolators")
    void eachRuleNamesExactlyTheClassesThatBreakIt(String name, ArchRule rule, Set<String> violators) {
        EvaluationResult result = rule.evaluate(CLASSES);

        assertThat(result.hasViolation()).as(name).isTrue();
        assertThat(offenders(result)).as(name + ": " + result.getFailureReport()).isEqualTo(violators);
    }

    @Test
    void theTableCoversEveryRule() {
        assertThat(rulesAndTheirViolators().map(arguments -> ((ArchRule) arguments.get()[1]).getDescription()))
                .containsExactlyInAnyOrderElementsOf(RULES.all().stream().map(rule -> rule.getPayload().getDescription())
                        .toList());
    }

    @Test
    void aBrokenRuleFailsTheTest_withTheOffendingClassInTheMessage() {
        assertThatThrownBy(() -> RULES.domainReadsNoClock().check(CLASSES))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("because time arrives on the command")
                .hasMessageContaining(FIXTURE + ".payments.domain.Violations$ReadsTheClock")
                .hasMessageContaining("java.time.Instant.now()");
    }

    private static final Pattern FIXTURE_CLASS = Pattern.compile(Pattern.quote(FIXTURE) + "(\\.[a-z][\\w]*)*\\.[A-Z][\\w$]*");

    /** The class each violation starts from: the first fixture class named on each line of the report. */
    private static Set<String> offenders(EvaluationResult result) {
        Set<String> offenders = new TreeSet<>();
        for (String detail : result.getFailureReport().getDetails()) {
            for (String line : detail.split("\n")) {
                Matcher first = FIXTURE_CLASS.matcher(line);
                if (first.find()) {
                    offenders.add(first.group());
                }
            }
        }
        return offenders;
    }
}
