package eventshop.launcher;

import java.util.List;

/**
 * The store's applications in start order (DESIGN §2, embedded): the services first, each on its
 * own port, then edge in front of them on :8080.
 */
public final class Topology {

    private Topology() {
    }

    /** The event-sourced services in start order. */
    public static List<ServiceApp> services() {
        return List.of();
    }

    /** The front door. */
    public static ServiceApp edge() {
        throw new UnsupportedOperationException("edge has not landed yet");
    }
}
