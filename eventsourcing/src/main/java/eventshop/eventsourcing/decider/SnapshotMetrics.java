package eventshop.eventsourcing.decider;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A handler's snapshot counters, tagged {@code aggregate=<name>}: {@code eventstore.snapshots.written},
 * {@code eventstore.snapshots.failed} (writes that failed or were dropped), {@code eventstore.snapshots.ignored
 * {reason=other-type|unreadable|not-in-stream}} and {@code eventstore.loads{from=snapshot|start}} (loads that
 * read the store: the handler's cache's hits are not counted). Thread-safe.
 */
final class SnapshotMetrics {

    private final MeterRegistry registry;
    private final String aggregate;
    final Counter written;
    final Counter failed;
    final Counter fromSnapshot;
    final Counter fromStart;

    SnapshotMetrics(MeterRegistry registry, String aggregate) {
        this.registry = registry == null ? new SimpleMeterRegistry() : registry;
        this.aggregate = aggregate;
        this.written = Counter.builder("eventstore.snapshots.written").tag("aggregate", aggregate)
                .description("snapshots stored").register(this.registry);
        this.failed = Counter.builder("eventstore.snapshots.failed").tag("aggregate", aggregate)
                .description("snapshots not stored: the write failed or was dropped").register(this.registry);
        this.fromSnapshot = loads("snapshot");
        this.fromStart = loads("start");
    }

    private Counter loads(String from) {
        return Counter.builder("eventstore.loads").tag("aggregate", aggregate).tag("from", from)
                .description("streams loaded from the store, from their snapshot or from their first event")
                .register(registry);
    }

    Counter ignored(String reason) {
        return Counter.builder("eventstore.snapshots.ignored").tag("aggregate", aggregate).tag("reason", reason)
                .description("snapshots not used: of another type, unreadable, or taken at an event the stream does not hold")
                .register(registry);
    }
}
