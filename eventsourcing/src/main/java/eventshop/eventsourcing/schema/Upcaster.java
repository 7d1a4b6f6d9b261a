package eventshop.eventsourcing.schema;

import tools.jackson.databind.node.ObjectNode;

/**
 * One step of an event type's schema: turns the stored JSON of version n into version n + 1 (registered
 * in {@link Upcasters}, which also says whether the step renames the type). A pure function of the tree: no
 * clock, no I/O, the same answer on every replay.
 */
@FunctionalInterface
public interface Upcaster {

    /**
     * The event's JSON one version up.
     *
     * @param data the stored (or already upcast) object; the upcaster may change it and return it
     * @return the object of the next version, never null
     */
    ObjectNode upcast(ObjectNode data);
}
