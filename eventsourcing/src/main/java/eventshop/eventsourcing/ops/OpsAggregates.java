package eventshop.eventsourcing.ops;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The aggregates a service registered for the operations console ({@link OpsAggregate} beans), found by stream
 * id: the one with the longest matching prefix owns a stream. Immutable and thread-safe.
 */
public final class OpsAggregates {

    private final List<OpsAggregate> aggregates;

    /** @throws IllegalArgumentException if two aggregates share a name or a stream prefix */
    public OpsAggregates(List<OpsAggregate> aggregates) {
        Set<String> names = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        for (OpsAggregate aggregate : aggregates) {
            if (!names.add(aggregate.name()) || !prefixes.add(aggregate.streamPrefix())) {
                throw new IllegalArgumentException("two aggregates registered for the operations console share the"
                        + " name '" + aggregate.name() + "' or the stream prefix '" + aggregate.streamPrefix() + "'");
            }
        }
        this.aggregates = aggregates.stream()
                .sorted(Comparator.comparingInt((OpsAggregate aggregate) -> aggregate.streamPrefix().length())
                        .reversed())
                .toList();
    }

    /** The aggregate whose streams {@code streamId} is one of, if one was registered. */
    public Optional<OpsAggregate> owning(String streamId) {
        return aggregates.stream().filter(aggregate -> aggregate.owns(streamId)).findFirst();
    }

    /** Every registered aggregate, the longest prefixes first. */
    public List<OpsAggregate> all() {
        return aggregates;
    }
}
