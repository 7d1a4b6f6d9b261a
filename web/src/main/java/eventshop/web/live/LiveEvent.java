package eventshop.web.live;

import eventshop.eventsourcing.consuming.IncomingEvent;
import tools.jackson.databind.JsonNode;

/** An event from a public topic, decoded once, and its payload as JSON. */
public record LiveEvent(IncomingEvent event, JsonNode data) {

    /** A text member of the payload; empty if absent or null. */
    public String text(String field) {
        JsonNode value = data.get(field);
        return value == null || value.isNull() ? "" : value.asString();
    }
}
