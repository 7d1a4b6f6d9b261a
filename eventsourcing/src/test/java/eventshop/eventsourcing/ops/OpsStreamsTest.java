package eventshop.eventsourcing.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.Decider;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.example.Tab;
import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.memory.InMemoryEventStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OpsStreamsTest {

    private static final CommandContext CONTEXT = new CommandContext(new UUID(1, 1), "c-1", "alice", Map.of());

    private final InMemoryEventStore store = new InMemoryEventStore();
    private final CommandHandler<Tab.Command, Tab.Event, Tab.State> tabs = CommandHandler
            .builder("bar", store, Tab.DECIDER, JsonEventCodec.of(Tab.Event.class)).build();
    private final CommandHandler<String, Member.Event, Member.State> members = CommandHandler
            .builder("bar", store, Member.DECIDER, JsonEventCodec.of(Member.Event.class)).build();
    private final OpsStreams streams = new OpsStreams("bar", store, new OpsAggregates(List.of(
            new OpsAggregate("tab", "tab-", tabs), new OpsAggregate("member", "member-", members))), new PersonalData());

    /** A member whose e-mail and name are personal data. */
    static final class Member {

        sealed interface Event {
        }

        record Joined(String email, String name) implements Event {
        }

        record Renamed(String name) implements Event {
        }

        record State(@Nullable String email, @Nullable String name, int renames) {
        }

        static final Decider<String, Event, State> DECIDER = new Decider<>(new State(null, null, 0),
                (state, event) -> switch (event) {
                    case Joined joined -> new State(joined.email(), joined.name(), 0);
                    case Renamed renamed -> new State(state.email(), renamed.name(), state.renames() + 1);
                },
                (name, state) -> List.of(state.email() == null ? new Joined(name.toLowerCase() + "@example.com", name)
                        : new Renamed(name)));

        private Member() {
        }
    }

    private void openTabWithTwoItemsAndClose() {
        tabs.handle("tab-1", new Tab.OpenTab("tab-1"), CONTEXT);
        tabs.handle("tab-1", new Tab.AddItem("tea", 250), CONTEXT);
        tabs.handle("tab-1", new Tab.AddItem("cake", 400), CONTEXT);
        tabs.handle("tab-1", new Tab.CloseTab(), CONTEXT);
    }

    @Nested
    class TimeTravel {

        @Test
        void theStateAtAVersion_isItsEventsUpToThereFolded_withWhatTheLastOneChanged() {
            openTabWithTwoItemsAndClose();

            OpsStreams.StreamView view = streams.view("tab-1", 1L, null);

            assertThat(view.aggregate()).isEqualTo("tab");
            assertThat(view.lastVersion()).isEqualTo(3);
            assertThat(view.version()).isEqualTo(1);
            assertThat(view.stateType()).isEqualTo("Open");
            assertThat(view.state().toString()).isEqualTo("{\"tabId\":\"tab-1\",\"totalCents\":250,\"items\":1}");
            assertThat(view.previous().toString()).isEqualTo("{\"tabId\":\"tab-1\",\"totalCents\":0,\"items\":0}");
            assertThat(view.changes()).extracting(change -> change.path() + ": " + change.before() + " -> "
                    + change.after()).containsExactly("/totalCents: 0 -> 250", "/items: 0 -> 1");
            assertThat(view.events()).extracting(OpsEvent::type)
                    .containsExactly("TabOpened", "ItemAdded", "ItemAdded", "TabClosed");
            assertThat(view.service()).isEqualTo("bar");
            assertThat(view.streamId()).isEqualTo("tab-1");
        }

        @Test
        void theStateAtAVersion_neverComesFromASnapshotTakenAfterIt() {
            // given a handler whose snapshot (at version 3, the closed tab) would show as an open tab with -1 items
            CommandHandler<Tab.Command, Tab.Event, Tab.State> snapshotting = CommandHandler
                    .builder("bar", store, Tab.DECIDER, JsonEventCodec.of(Tab.Event.class))
                    .snapshotting(new CommandHandler.Snapshotting<>(4, "tab/v1", state -> new byte[] {1},
                            bytes -> new Tab.Open("tab-1", 0, -1)))
                    .snapshotWrites(Runnable::run)
                    .build();
            OpsStreams console = new OpsStreams("bar", store, new OpsAggregates(List.of(
                    new OpsAggregate("tab", "tab-", snapshotting))), new PersonalData());
            snapshotting.handle("tab-1", new Tab.OpenTab("tab-1"), CONTEXT);
            snapshotting.handle("tab-1", new Tab.AddItem("tea", 250), CONTEXT);
            snapshotting.handle("tab-1", new Tab.AddItem("cake", 400), CONTEXT);
            snapshotting.handle("tab-1", new Tab.CloseTab(), CONTEXT);
            assertThat(store.loadSnapshot("tab-1")).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(3));

            // when
            OpsStreams.StreamView view = console.view("tab-1", 2L, null);

            // then: the events 0..2 folded, and 0..1 for the state before
            assertThat(view.state().toString()).isEqualTo("{\"tabId\":\"tab-1\",\"totalCents\":650,\"items\":2}");
            assertThat(view.previous().toString()).isEqualTo("{\"tabId\":\"tab-1\",\"totalCents\":250,\"items\":1}");
        }

        @Test
        void withoutAVersion_itIsTheLast() {
            openTabWithTwoItemsAndClose();

            OpsStreams.StreamView view = streams.view("tab-1", null, null);

            assertThat(view.version()).isEqualTo(3);
            assertThat(view.stateType()).isEqualTo("Closed");
            assertThat(view.state().toString()).isEqualTo("{\"totalCents\":650}");
            // the total stayed, the rest of the open tab went
            assertThat(view.changes()).extracting(change -> change.path() + ": " + change.before() + " -> "
                    + change.after()).containsExactly("/tabId: \"tab-1\" -> null", "/items: 2 -> null");
        }

        @Test
        void atVersion0_thereIsNoPrevious_andEveryValueIsNew() {
            openTabWithTwoItemsAndClose();

            OpsStreams.StreamView view = streams.view("tab-1", 0L, null);

            assertThat(view.previous()).isNull();
            assertThat(view.state().toString()).isEqualTo("{\"tabId\":\"tab-1\",\"totalCents\":0,\"items\":0}");
            assertThat(view.changes()).extracting(OpsChanges.Change::path)
                    .containsExactly("/tabId", "/totalCents", "/items");
            assertThat(view.changes()).allSatisfy(change -> assertThat(change.before()).isNull());
        }

        @Test
        void statesAndChanges_areMasked_butAChangedPersonalFieldStillShowsAsChanged() {
            members.handle("member-1", "Ada", CONTEXT);
            members.handle("member-1", "Augusta", CONTEXT);

            OpsStreams.StreamView view = streams.view("member-1", null, null);

            assertThat(view.state().toString()).doesNotContain("Augusta", "ada@example.com");
            assertThat(view.previous().toString()).doesNotContain("Ada", "ada@example.com");
            assertThat(view.state().get("renames").asInt()).isEqualTo(1);
            assertThat(view.changes()).extracting(change -> change.path() + ": " + change.before() + " -> "
                    + change.after()).containsExactly(
                    "/name: \"" + PersonalData.MASK + "\" -> \"" + PersonalData.MASK + "\"", "/renames: 0 -> 1");
            assertThat(view.events()).allSatisfy(event -> assertThat(event.data().toString())
                    .doesNotContain("Ada", "Augusta", "ada@example.com"));
        }
    }

    @Nested
    class Streams {

        @Test
        void ofNoRegisteredAggregate_listTheirEvents_withoutAState() {
            appendPlain("audit-7", 3);

            OpsStreams.StreamView view = streams.view("audit-7", null, null);

            assertThat(view.aggregate()).isNull();
            assertThat(view.state()).isNull();
            assertThat(view.stateType()).isNull();
            assertThat(view.previous()).isNull();
            assertThat(view.changes()).isEmpty();
            assertThat(view.events()).extracting(OpsEvent::version).containsExactly(0L, 1L, 2L);
        }

        @Test
        void listAtMost1000Events_theNewestUnlessAskedFrom() {
            appendPlain("long-1", OpsStreams.MAX_EVENTS + 5);

            OpsStreams.StreamView newest = streams.view("long-1", null, null);
            OpsStreams.StreamView first = streams.view("long-1", 0L, 0L);

            assertThat(newest.events()).hasSize(OpsStreams.MAX_EVENTS);
            assertThat(newest.fromVersion()).isEqualTo(5);
            assertThat(newest.events().getFirst().version()).isEqualTo(5);
            assertThat(newest.events().getLast().version()).isEqualTo(OpsStreams.MAX_EVENTS + 4);
            assertThat(first.events()).hasSize(OpsStreams.MAX_EVENTS);
            assertThat(first.events().getFirst().version()).isZero();
        }

        @Test
        void aStreamWithNoEvents_isNotFound() {
            assertThatThrownBy(() -> streams.view("tab-404", null, null)).isInstanceOf(OpsErrors.NotFoundInOps.class);
        }

        @Test
        void aVersionBeyondTheLast_orNegative_isInvalid() {
            openTabWithTwoItemsAndClose();

            assertThatThrownBy(() -> streams.view("tab-1", 4L, null)).isInstanceOf(InvalidRequest.class)
                    .hasMessageContaining("0..3");
            assertThatThrownBy(() -> streams.view("tab-1", -1L, null)).isInstanceOf(InvalidRequest.class);
            assertThatThrownBy(() -> streams.view("tab-1", null, 9L)).isInstanceOf(InvalidRequest.class);
            assertThatThrownBy(() -> streams.view("", null, null)).isInstanceOf(InvalidRequest.class);
        }

        private void appendPlain(String stream, int count) {
            for (int i = 0; i < count; i++) {
                store.append(stream, ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(), "Noted",
                        ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8), Metadata.EMPTY)));
            }
        }
    }

    @Nested
    class Registry {

        @Test
        void theLongestPrefix_ownsAStream() {
            OpsAggregates aggregates = new OpsAggregates(List.of(new OpsAggregate("tab", "tab-", tabs),
                    new OpsAggregate("tab-archive", "tab-archive-", tabs)));

            assertThat(aggregates.owning("tab-archive-1")).hasValueSatisfying(
                    aggregate -> assertThat(aggregate.name()).isEqualTo("tab-archive"));
            assertThat(aggregates.owning("tab-1")).hasValueSatisfying(
                    aggregate -> assertThat(aggregate.name()).isEqualTo("tab"));
            assertThat(aggregates.owning("cart-1")).isEmpty();
        }

        @Test
        void twoAggregatesOfOneName_orOnePrefix_areRefused() {
            assertThatThrownBy(() -> new OpsAggregates(List.of(new OpsAggregate("tab", "tab-", tabs),
                    new OpsAggregate("tab", "bar-", tabs)))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new OpsAggregates(List.of(new OpsAggregate("tab", "tab-", tabs),
                    new OpsAggregate("bill", "tab-", tabs)))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new OpsAggregate("tab", "", tabs)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
