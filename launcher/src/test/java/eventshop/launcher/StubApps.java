package eventshop.launcher;

import eventshop.eventsourcing.kafka.InProcessKafka;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Minimal applications for testing the orchestration apart from the real services. */
final class StubApps {

    private StubApps() {
    }

    /** An empty application with every auto-configuration of the classpath (event store, relay, JDBC...). */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Service {
    }

    /** An application that cannot start. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Broken {
        @Bean
        Object broken() {
            throw new IllegalStateException("this stub never starts");
        }
    }

    /** Edge: answers with where it routes to. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @RestController
    static class Edge {
        private final org.springframework.core.env.Environment env;

        Edge(org.springframework.core.env.Environment env) {
            this.env = env;
        }

        @GetMapping("/routes/{service}")
        String route(@org.springframework.web.bind.annotation.PathVariable String service) {
            return env.getProperty("eventshop.edge.services." + service);
        }
    }

    static ServiceApp service(String name) {
        return ServiceApp.service(name, InProcessKafka.freePort(),
                () -> new SpringApplicationBuilder(Service.class).properties("eventshop.service-name=" + name));
    }

    static ServiceApp broken(String name) {
        return ServiceApp.service(name, InProcessKafka.freePort(), () -> new SpringApplicationBuilder(Broken.class));
    }

    static ServiceApp edge() {
        return ServiceApp.edge(InProcessKafka.freePort(), () -> new SpringApplicationBuilder(Edge.class));
    }
}
