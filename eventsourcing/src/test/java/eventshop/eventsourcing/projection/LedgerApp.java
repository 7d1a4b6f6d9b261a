package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import eventshop.eventsourcing.config.EventSourcingAutoConfiguration;
import eventshop.eventsourcing.database.DatabaseAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementContextAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.servlet.autoconfigure.actuate.web.ServletManagementContextAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.actuate.endpoint.web.WebMvcHealthEndpointExtensionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * A minimal service using the starter: one projection and a query endpoint that honours consistency
 * tokens. The auto-configurations are listed rather than discovered, so that the starter's Kafka side
 * (relay, consumers, Spring Cloud Stream) stays out of this context and it starts quickly.
 */
@SpringBootConfiguration
@ImportAutoConfiguration({
        DatabaseAutoConfiguration.class, EventSourcingAutoConfiguration.class, ProjectionAutoConfiguration.class,
        DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
        JacksonAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
        DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class,
        ApplicationAvailabilityAutoConfiguration.class,
        EndpointAutoConfiguration.class, JacksonEndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
        ManagementContextAutoConfiguration.class, ServletManagementContextAutoConfiguration.class,
        HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
        HealthEndpointAutoConfiguration.class, WebMvcHealthEndpointExtensionAutoConfiguration.class,
        AvailabilityHealthContributorAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class,
        MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
        SimpleMetricsExportAutoConfiguration.class})
class LedgerApp {

    @Bean
    Ledger ledger() {
        return new Ledger();
    }

    /** Registered as a member class of this configuration. */
    @RestController
    static class Balances {

        private final Projections projections;
        private final JdbcTemplate jdbc;

        Balances(Projections projections, JdbcTemplate jdbc) {
            this.projections = projections;
            this.jdbc = jdbc;
        }

        @GetMapping("/balances/{account}")
        Map<String, Object> balance(@PathVariable String account,
                                    @RequestHeader(name = ConsistencyToken.HEADER, required = false) String token) {
            return projections.read("ledger", token, tables -> jdbc.queryForList(
                    tables.sql("SELECT total, deposits FROM {balances} WHERE account = ?"), account))
                    .stream().findFirst().orElse(Map.of("total", 0, "deposits", 0));
        }
    }
}
