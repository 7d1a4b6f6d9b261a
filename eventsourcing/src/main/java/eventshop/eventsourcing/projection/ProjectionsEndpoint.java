package eventshop.eventsourcing.projection;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/projections}: every projection with its active generation, checkpoint, log
 * head, lag, state and last error ({@code GET}); {@code GET /actuator/projections/{name}} for one;
 * {@code POST /actuator/projections/{name}} starts a blue/green rebuild of it (on the instance that leads the
 * service's projections; a standby answers 409).
 */
@Endpoint(id = "projections")
public class ProjectionsEndpoint {

    private final Projections projections;

    public ProjectionsEndpoint(Projections projections) {
        this.projections = projections;
    }

    @ReadOperation
    public List<ProjectionStatus> projections() {
        return projections.status();
    }

    /** One projection, or 404 if there is none of that name. */
    @ReadOperation
    public @Nullable ProjectionStatus projection(@Selector String name) {
        return projections.names().contains(name) ? projections.status(name) : null;
    }

    /**
     * Starts rebuilding a projection (no-op while a rebuild runs); 404 if there is none of that name, 409 (with its
     * status) on an instance that stands by: the leading instance of the service runs the projections.
     */
    @WriteOperation
    public WebEndpointResponse<ProjectionStatus> rebuild(@Selector String name) {
        if (!projections.names().contains(name)) {
            return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
        }
        if (!projections.leading()) {
            return new WebEndpointResponse<>(projections.status(name), 409);
        }
        return new WebEndpointResponse<>(projections.rebuild(name));
    }
}
