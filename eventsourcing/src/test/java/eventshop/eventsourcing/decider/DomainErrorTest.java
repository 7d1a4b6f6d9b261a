package eventshop.eventsourcing.decider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventsourcing.decider.DomainError.Kind;
import eventshop.eventsourcing.example.Tab;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DomainErrorTest {

    /** A rule whose class name is not the problem type it answers. */
    static final class TabGone extends DomainError {
        TabGone(String slug) {
            super(Kind.NOT_FOUND, slug, "there is no tab t9");
        }
    }

    /** A rule built without a kind: a programming error. */
    static final class KindForgotten extends DomainError {
        KindForgotten() {
            super(null, "no kind");
        }
    }

    @Nested
    class ByClassName {

        @Test
        void kindAndDetail_areWhatTheSubclassPassed() {
            DomainError error = new Tab.PriceNotPositive(-1);

            assertThat(error.kind()).isEqualTo(Kind.UNPROCESSABLE);
            assertThat(error).hasMessage("price must be positive, was -1");
        }

        @Test
        void slug_isTheClassNameInKebabCase() {
            assertThat(new Tab.TabNotOpen().slug()).isEqualTo("tab-not-open");
            assertThat(new Tab.TabNotOpen().kind()).isEqualTo(Kind.CONFLICT);
        }

        @Test
        void noStackTrace_isCaptured() {
            assertThat(new Tab.TabNotOpen().getStackTrace()).isEmpty();
        }
    }

    @Nested
    class WithASlugOfItsOwn {

        @Test
        void slug_isTheOneGiven() {
            TabGone error = new TabGone("no-such-tab");

            assertThat(error.slug()).isEqualTo("no-such-tab");
            assertThat(error.kind()).isEqualTo(Kind.NOT_FOUND);
            assertThat(error).hasMessage("there is no tab t9");
        }

        @Test
        void aSlugThatIsNotLowerCaseWordsJoinedByDashes_isRefused() {
            for (String bad : new String[] {"", "No-Such-Tab", "no such tab", "no--tab", "-tab", "tab-", "tab/1"}) {
                assertThatThrownBy(() -> new TabGone(bad)).as(bad)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("lower-case words joined by dashes");
            }
            assertThatThrownBy(() -> new TabGone(null)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aMissingKind_isRefused() {
        assertThatThrownBy(KindForgotten::new).isInstanceOf(NullPointerException.class).hasMessage("kind");
    }
}
