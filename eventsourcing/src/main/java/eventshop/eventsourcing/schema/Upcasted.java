package eventshop.eventsourcing.schema;

import tools.jackson.databind.node.ObjectNode;

/** An event's JSON brought up to the current version of its (possibly renamed) type. */
public record Upcasted(String type, int version, ObjectNode data) {
}
