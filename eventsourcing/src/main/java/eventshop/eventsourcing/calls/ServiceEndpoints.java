package eventshop.eventsourcing.calls;

import java.net.URI;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code eventshop.services.<name>.url}: where each service this one calls answers, by name
 * ({@code eventshop.services.payments.url=http://localhost:8086}). A service lists the defaults of
 * those it calls in its own configuration; the launcher sets every service's URL in every context.
 */
@ConfigurationProperties("eventshop")
public record ServiceEndpoints(@DefaultValue Map<String, Endpoint> services) {

    public ServiceEndpoints {
        services = Map.copyOf(services);
    }

    /** @param url the service's base URL */
    public record Endpoint(URI url) {
    }
}
