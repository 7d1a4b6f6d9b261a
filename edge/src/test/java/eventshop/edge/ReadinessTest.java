package eventshop.edge;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.edge.readiness.StoreReadiness;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** Edge's {@code store} readiness member, with and without a launcher to wait for. */
class ReadinessTest {

    @Test
    void launchedWithTheStore_isOutOfServiceUntilTheLauncherSaysTheStoreIsReady() {
        StoreReadiness readiness = readiness(true);

        assertThat(readiness.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        readiness.storeReady();
        assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void startedOnItsOwn_isReady() {
        assertThat(readiness(false).health().getStatus()).isEqualTo(Status.UP);
    }

    private static StoreReadiness readiness(boolean awaitStore) {
        return new StoreReadiness(new EdgeProperties(Map.of("accounts", URI.create("http://localhost:1")),
                null, null, null, null, null, awaitStore));
    }
}
