package eventshop.functions.handling;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The id of what a function sends, derived from the input event's id and the function's name
 * (a name-based UUID): the same input, delivered twice, produces the same command id, so the
 * receiver's exactly-once consumer applies it once. Different functions reacting to one event get
 * different ids.
 */
public final class DerivedIds {

    private DerivedIds() {
    }

    public static UUID of(String function, String inputEventId) {
        return UUID.nameUUIDFromBytes((function + ":" + inputEventId).getBytes(StandardCharsets.UTF_8));
    }
}
