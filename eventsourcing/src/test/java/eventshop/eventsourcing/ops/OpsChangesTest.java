package eventshop.eventsourcing.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OpsChangesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    private static List<String> changes(String before, String after) {
        return OpsChanges.between(before == null ? null : json(before), after == null ? null : json(after)).stream()
                .map(change -> change.path() + ": " + change.before() + " -> " + change.after()).toList();
    }

    @Test
    void equalTrees_haveNoChanges() {
        assertThat(changes("{\"a\":1,\"b\":[1,{\"c\":2}]}", "{\"a\":1,\"b\":[1,{\"c\":2}]}")).isEmpty();
    }

    @Test
    void changedLeaves_areListedByPointer_atAnyDepth() {
        assertThat(changes("{\"status\":\"OPEN\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}",
                "{\"status\":\"PAID\",\"lines\":[{\"sku\":\"A\",\"quantity\":2}]}"))
                .containsExactly("/status: \"OPEN\" -> \"PAID\"", "/lines/0/quantity: 1 -> 2");
    }

    @Test
    void addedAndRemovedMembersAndElements_areWalkedToTheirLeaves() {
        assertThat(changes("{\"a\":1,\"lines\":[{\"sku\":\"A\"}]}",
                "{\"lines\":[{\"sku\":\"A\"},{\"sku\":\"B\",\"quantity\":3}],\"b\":{\"c\":true}}"))
                .containsExactly("/a: 1 -> null", "/lines/1/sku: null -> \"B\"", "/lines/1/quantity: null -> 3",
                        "/b/c: null -> true");
    }

    @Test
    void anEmptyContainerThatAppears_isAChangeOfItsOwn() {
        assertThat(changes("{}", "{\"lines\":[],\"meta\":{}}"))
                .containsExactly("/lines: null -> []", "/meta: null -> {}");
    }

    @Test
    void aValueOfAnotherKind_changesWhole() {
        assertThat(changes("{\"a\":{\"b\":1}}", "{\"a\":\"gone\"}")).containsExactly("/a: {\"b\":1} -> \"gone\"");
        assertThat(changes("{\"a\":[1]}", "{\"a\":true}")).containsExactly("/a: [1] -> true");
    }

    @Test
    void aNullThatBecomesAContainer_isWalkedToItsLeaves_andBack() {
        assertThat(changes("{\"step\":null}", "{\"step\":{\"name\":\"RESERVE\",\"attempt\":1}}"))
                .containsExactly("/step/name: null -> \"RESERVE\"", "/step/attempt: null -> 1");
        assertThat(changes("{\"step\":[2]}", "{\"step\":null}")).containsExactly("/step/0: 2 -> null");
        assertThat(changes("{\"step\":null}", "{\"step\":{}}")).containsExactly("/step: null -> {}");
    }

    @Test
    void fromNothing_everyLeafIsAdded_andToNothing_removed() {
        assertThat(changes(null, "{\"a\":1,\"b\":{\"c\":2}}")).containsExactly("/a: null -> 1", "/b/c: null -> 2");
        assertThat(changes("[\"x\"]", null)).containsExactly("/0: \"x\" -> null");
        assertThat(changes("\"Empty\"", "\"Open\"")).containsExactly(": \"Empty\" -> \"Open\"");
    }

    @Test
    void memberNames_areEscapedInPointers() {
        assertThat(OpsChanges.between(json("{\"a/b\":{\"c~d\":1}}"), json("{\"a/b\":{\"c~d\":2}}")))
                .singleElement().satisfies(change -> assertThat(change.path()).isEqualTo("/a~1b/c~0d"));
    }
}
