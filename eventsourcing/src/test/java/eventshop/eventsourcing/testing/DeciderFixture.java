package eventshop.eventsourcing.testing;

import eventshop.eventsourcing.decider.Decider;
import java.util.Arrays;
import java.util.List;

/**
 * Given/when/then for deciders, without Spring, mocks or a store:
 * <pre>{@code
 * DeciderFixture.of(Cart.DECIDER)
 *     .given(new CartItemAdded(...))
 *     .when(new CheckOut(...))
 *     .then(new CartCheckedOut(...));
 * }</pre>
 * Failures are {@link AssertionError}s that show the expected and actual events.
 *
 * @param <C> command type
 * @param <E> event type
 * @param <S> state type
 */
public final class DeciderFixture<C, E, S> {

    private final Decider<C, E, S> decider;

    private DeciderFixture(Decider<C, E, S> decider) {
        this.decider = decider;
    }

    public static <C, E, S> DeciderFixture<C, E, S> of(Decider<C, E, S> decider) {
        return new DeciderFixture<>(decider);
    }

    /** The history the command is decided against. */
    @SafeVarargs
    public final Given given(E... events) {
        return new Given(Arrays.asList(events));
    }

    /** A command against an empty history. */
    public When when(C command) {
        return new Given(List.of()).when(command);
    }

    /** The history, ready for a command. */
    public final class Given {
        private final List<E> history;

        private Given(List<E> history) {
            this.history = List.copyOf(history);
        }

        public When when(C command) {
            S state = decider.fold(decider.initialState(), history);
            try {
                return new When(command, state, decider.decide().apply(command, state), null);
            } catch (RuntimeException e) {
                return new When(command, state, null, e);
            }
        }

        /** The state the history folds to. */
        public S state() {
            return decider.fold(decider.initialState(), history);
        }
    }

    /** The outcome of a command, to check. */
    public final class When {
        private final C command;
        private final S state;
        private final List<E> events;
        private final RuntimeException error;

        private When(C command, S state, List<E> events, RuntimeException error) {
            this.command = command;
            this.state = state;
            this.events = events;
            this.error = error;
        }

        /** Asserts the command decided exactly these events, in this order. */
        @SafeVarargs
        public final S then(E... expected) {
            if (error != null) {
                throw new AssertionError("expected " + command + " to decide " + Arrays.asList(expected)
                        + " but it failed with " + error, error);
            }
            if (!events.equals(Arrays.asList(expected))) {
                throw new AssertionError("when " + command + "\nexpected events: " + Arrays.asList(expected)
                        + "\nbut decided:     " + events);
            }
            return decider.fold(state, events);
        }

        /** Asserts the command decided nothing (an idempotent repeat, say). */
        public void thenNothing() {
            then();
        }

        /** Asserts the command was refused with an error of this type; returns it for further checks. */
        public <X extends Throwable> X thenError(Class<X> type) {
            if (error == null) {
                throw new AssertionError("expected " + command + " to fail with " + type.getSimpleName()
                        + " but it decided " + events);
            }
            if (!type.isInstance(error)) {
                throw new AssertionError("expected " + command + " to fail with " + type.getSimpleName()
                        + " but it failed with " + error, error);
            }
            return type.cast(error);
        }
    }
}
