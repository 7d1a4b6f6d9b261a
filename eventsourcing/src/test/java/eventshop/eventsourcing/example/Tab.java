package eventshop.eventsourcing.example;

import eventshop.eventsourcing.decider.Decider;
import eventshop.eventsourcing.decider.DomainError;
import java.util.List;

/** A tiny aggregate for toolkit tests: a bar tab that is opened, gets items, and is closed. */
public final class Tab {

    public sealed interface Command {
    }

    public record OpenTab(String tabId) implements Command {
    }

    public record AddItem(String item, long priceCents) implements Command {
    }

    public record CloseTab() implements Command {
    }

    public sealed interface Event {
    }

    public record TabOpened(String tabId) implements Event {
    }

    public record ItemAdded(String item, long priceCents) implements Event {
    }

    public record TabClosed(long totalCents) implements Event {
    }

    public sealed interface State {
    }

    public record Unopened() implements State {
    }

    public record Open(String tabId, long totalCents, int items) implements State {
    }

    public record Closed(long totalCents) implements State {
    }

    public static final class TabNotOpen extends DomainError {
        public TabNotOpen() {
            super(Kind.CONFLICT, "the tab is not open");
        }
    }

    public static final class PriceNotPositive extends DomainError {
        public PriceNotPositive(long price) {
            super(Kind.UNPROCESSABLE, "price must be positive, was " + price);
        }
    }

    public static final Decider<Command, Event, State> DECIDER = new Decider<>(new Unopened(), Tab::evolve, Tab::decide);

    private Tab() {
    }

    public static State evolve(State state, Event event) {
        return switch (event) {
            case TabOpened opened -> new Open(opened.tabId(), 0, 0);
            case ItemAdded added -> state instanceof Open open
                    ? new Open(open.tabId(), open.totalCents() + added.priceCents(), open.items() + 1) : state;
            case TabClosed closed -> new Closed(closed.totalCents());
        };
    }

    public static List<Event> decide(Command command, State state) {
        return switch (command) {
            case OpenTab open -> state instanceof Unopened ? List.of(new TabOpened(open.tabId())) : List.of();
            case AddItem add -> {
                if (!(state instanceof Open)) {
                    throw new TabNotOpen();
                }
                if (add.priceCents() <= 0) {
                    throw new PriceNotPositive(add.priceCents());
                }
                yield List.of(new ItemAdded(add.item(), add.priceCents()));
            }
            case CloseTab close -> switch (state) {
                case Open open -> List.of(new TabClosed(open.totalCents()));
                case Unopened unopened -> throw new TabNotOpen();
                case Closed closed -> List.of();
            };
        };
    }
}
