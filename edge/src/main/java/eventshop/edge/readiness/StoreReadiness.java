package eventshop.edge.readiness;

import eventshop.edge.EdgeProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * The {@code store} member of edge's readiness group ({@code /actuator/health/readiness}). Edge answers as
 * soon as it runs, but a client that starts on its readiness expects the store behind it to be usable: when
 * a launcher starts edge together with the services ({@code eventshop.edge.await-store-ready=true}) this
 * stays {@code OUT_OF_SERVICE} until the launcher calls {@link #storeReady()} — after every service is
 * ready and the demo data is loaded, when it prints "eventshop is ready". An edge started on its own
 * (the default) is ready when it runs. Thread-safe.
 */
@Component("store")
public class StoreReadiness implements HealthIndicator {

    private final boolean awaitStore;
    private volatile boolean storeReady;

    public StoreReadiness(EdgeProperties properties) {
        this.awaitStore = properties.awaitStoreReady();
    }

    /** The store behind edge is ready: edge's readiness follows its own state from now on. */
    public void storeReady() {
        storeReady = true;
    }

    @Override
    public Health health() {
        if (!awaitStore || storeReady) {
            return Health.up().build();
        }
        return Health.status(Status.OUT_OF_SERVICE)
                .withDetail("reason", "the store is starting: waiting for the services and the demo data")
                .build();
    }
}
