package eventshop.eventsourcing.decider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventsourcing.example.Tab;
import eventshop.eventsourcing.testing.DeciderFixture;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DeciderFixtureTest {

    private final DeciderFixture<Tab.Command, Tab.Event, Tab.State> tab = DeciderFixture.of(Tab.DECIDER);

    @Nested
    class Passing {

        @Test
        void then_returnsTheStateAfterTheDecidedEvents() {
            Tab.State state = tab.given(new Tab.TabOpened("t1"), new Tab.ItemAdded("tea", 250))
                    .when(new Tab.AddItem("cake", 400))
                    .then(new Tab.ItemAdded("cake", 400));

            assertThat(state).isEqualTo(new Tab.Open("t1", 650, 2));
        }

        @Test
        void thenNothing_acceptsAnIdempotentRepeat() {
            tab.given(new Tab.TabOpened("t1")).when(new Tab.OpenTab("t1")).thenNothing();
        }

        @Test
        void thenError_returnsTheErrorForFurtherChecks() {
            Tab.PriceNotPositive error = tab.given(new Tab.TabOpened("t1"))
                    .when(new Tab.AddItem("free", 0))
                    .thenError(Tab.PriceNotPositive.class);

            assertThat(error).hasMessageContaining("was 0");
            assertThat(error.kind()).isEqualTo(DomainError.Kind.UNPROCESSABLE);
            assertThat(error.slug()).isEqualTo("price-not-positive");
        }

        @Test
        void when_withoutHistory_decidesAgainstTheInitialState() {
            tab.when(new Tab.OpenTab("t9")).then(new Tab.TabOpened("t9"));
        }
    }

    @Nested
    class Failing {

        @Test
        void then_failsWhenOtherEventsWereDecided() {
            assertThatThrownBy(() -> tab.given(new Tab.TabOpened("t1"))
                    .when(new Tab.AddItem("tea", 250))
                    .then(new Tab.ItemAdded("tea", 999)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("expected events: [ItemAdded[item=tea, priceCents=999]]")
                    .hasMessageContaining("but decided:     [ItemAdded[item=tea, priceCents=250]]");
        }

        @Test
        void then_failsWhenTheCommandWasRefused() {
            assertThatThrownBy(() -> tab.when(new Tab.AddItem("tea", 250)).then(new Tab.ItemAdded("tea", 250)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("failed with")
                    .hasCauseInstanceOf(Tab.TabNotOpen.class);
        }

        @Test
        void thenError_failsWhenEventsWereDecided() {
            assertThatThrownBy(() -> tab.when(new Tab.OpenTab("t1")).thenError(Tab.TabNotOpen.class))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("but it decided [TabOpened[tabId=t1]]");
        }

        @Test
        void thenError_failsForAnotherErrorType() {
            assertThatThrownBy(() -> tab.when(new Tab.AddItem("tea", 250)).thenError(Tab.PriceNotPositive.class))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("but it failed with");
        }
    }
}
