package eventshop.eventsourcing.consuming;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka {@link Admin} client created on first use and kept until {@link #close}, for what an operator's screen
 * asks every few seconds (consumer lag, parked counts): one connection instead of a client per request. An
 * admin client reconnects by itself after the broker was away, so a failed call does not make it unusable.
 *
 * <p>Thread-safe (Kafka's admin client is).
 */
final class KeptAdmin implements AutoCloseable {

    /** How long one admin call may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> config;
    private @Nullable Admin admin;
    private boolean closed;

    /**
     * @param clientConfig Kafka client settings: at least {@code bootstrap.servers}
     * @param clientId     the client id it connects with
     */
    KeptAdmin(Map<String, Object> clientConfig, String clientId) {
        Map<String, Object> settings = new HashMap<>(clientConfig);
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        this.config = Map.copyOf(settings);
    }

    /** The client, created now if this is the first call. */
    synchronized Admin get() {
        if (closed) {
            throw new IllegalStateException("the admin client was closed");
        }
        if (admin == null) {
            admin = Admin.create(config);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
            admin = null;
        }
    }
}
