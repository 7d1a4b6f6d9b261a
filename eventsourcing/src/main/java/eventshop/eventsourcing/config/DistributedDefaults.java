package eventshop.eventsourcing.config;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.boot.env.DefaultPropertiesPropertySource;

/**
 * The distributed topology's clients off unless configured, as the lowest-precedence property source: every
 * application of the starter carries the Spring Cloud Config client and the Eureka client (DESIGN §2), but only the
 * distributed topology has a Config Server and a registry ({@code config/application-distributed.yml} turns the
 * registry on; {@code SPRING_CONFIG_IMPORT=configserver:...} names the server). Alone, in the launcher, in a test or
 * as the functions' AWS Lambda, an application asks neither: no {@code spring.config.import} check (the Config client
 * refuses to start without an import otherwise), no Eureka client.
 *
 * <p>And the JDK's HTTP client for Boot's {@code RestClient} builders, as before: the Eureka client brings Apache
 * HttpClient 5, which Boot then prefers, whose pool holds 5 connections per route (long-lived streams took them all).
 *
 * <p>Runs first among the post-processors: the Config client's import check is one too, and reads its switch before
 * the application's own files would be read.
 */
public final class DistributedDefaults implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        // Boot's default properties, not a source of its own added last: running first, a source added last would
        // rank below nothing the files add later (config data goes in before the default properties, else last)
        DefaultPropertiesPropertySource.addOrMerge(Map.of(
                "spring.cloud.config.import-check.enabled", "false",
                "eureka.client.enabled", "false",
                "spring.http.clients.imperative.factory", "jdk"), environment.getPropertySources());
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
