package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What each kind of application leaves out of the launcher's one classpath ({@link SharedClasspath}). */
class SharedClasspathTest {

    @Test
    void edge_leavesOutTheServicesStack_andTheGatewaysFunctionRoute() {
        List<String> excluded = SharedClasspath.autoConfigurationsStartingWith(SharedClasspath.NOT_FOR_EDGE);

        assertThat(excluded).contains("eventshop.eventsourcing.config.EventSourcingAutoConfiguration",
                "eventshop.eventsourcing.relay.RelayAutoConfiguration",
                "eventshop.eventsourcing.security.ServiceSecurityAutoConfiguration",
                "eventshop.eventsourcing.openapi.OpenApiAutoConfiguration",
                "org.springframework.cloud.gateway.server.mvc.config.DefaultFunctionConfiguration",
                "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration");
        assertThat(excluded).anyMatch(name -> name.startsWith("org.springframework.cloud.stream."));
        assertThat(excluded).noneMatch(name -> name.startsWith("org.springframework.boot.kafka.")
                || name.startsWith("org.springframework.boot.jdbc.") || name.startsWith("org.springframework.boot.session."));
    }

    @Test
    void services_leaveOutTheGatewayAndTheSessions_andKeepTheStarter() {
        List<String> excluded = SharedClasspath.autoConfigurationsStartingWith(SharedClasspath.NOT_FOR_SERVICES);

        assertThat(excluded).anyMatch(name -> name.startsWith("org.springframework.cloud.gateway."));
        assertThat(excluded).anyMatch(name -> name.startsWith("org.springframework.boot.session."));
        assertThat(excluded).noneMatch(name -> name.startsWith("eventshop.")
                || name.startsWith("org.springframework.cloud.stream.") || name.startsWith("org.springframework.boot.flyway."));
    }
}
