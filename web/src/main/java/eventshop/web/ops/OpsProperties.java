package eventshop.web.ops;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code eventshop.web.ops.*}: the operations console's settings. Where each service answers is
 * {@code eventshop.services.<name>.url}, as for the storefront; edge's breakers are asked at
 * {@code eventshop.services.edge.url}.
 *
 * @param services    the services with a log the console asks (each serves {@code /api/ops/<service>/...})
 * @param liveEvery   how often an open console stream is sent fresh fragments (the services are polled only while
 *                    one is open)
 * @param lagWarning  a lag (events or records) from which a relay, consumer or read model counts as unhealthy
 */
@ConfigurationProperties("eventshop.web.ops")
public record OpsProperties(
        @DefaultValue({"accounts", "catalog", "inventory", "carts", "orders", "payments", "views"}) List<String> services,
        @DefaultValue("2s") Duration liveEvery,
        @DefaultValue("1000") long lagWarning) {

    public OpsProperties {
        services = List.copyOf(services);
    }
}
