package eventshop.eventsourcing.decider;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * An aggregate as two pure functions over a state: {@code decide} turns a command and the current
 * state into new events (or throws a typed {@link DomainError}), {@code evolve} folds one event
 * into the state. The state of a stream is its events folded from {@code initialState}.
 *
 * <p>Domain code writes {@code evolve} and {@code decide} as static methods with exhaustive
 * switches and hands them over: {@code new Decider<>(Cart.Empty.INSTANCE, Cart::evolve, Cart::decide)}.
 * Immutable and thread-safe when the functions are pure.
 *
 * @param <C> the command type (usually a sealed interface of records)
 * @param <E> the event type (usually a sealed interface of records)
 * @param <S> the state type
 */
public record Decider<C, E, S>(S initialState, BiFunction<S, E, S> evolve, BiFunction<C, S, List<E>> decide) {

    public Decider {
        Objects.requireNonNull(initialState, "initialState");
        Objects.requireNonNull(evolve, "evolve");
        Objects.requireNonNull(decide, "decide");
    }

    /** The state after folding {@code events} into {@code state}. */
    public S fold(S state, Iterable<E> events) {
        S result = state;
        for (E event : events) {
            result = evolve.apply(result, event);
        }
        return result;
    }
}
