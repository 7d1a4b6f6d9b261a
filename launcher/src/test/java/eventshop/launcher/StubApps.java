package eventshop.launcher;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

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

    /** Edge: an empty web application. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Edge {
    }

    static ServiceApp service(String name) {
        return ServiceApp.service(name, FreePorts.next(),
                () -> new SpringApplicationBuilder(Service.class).properties("eventshop.service-name=" + name));
    }

    static ServiceApp broken(String name) {
        return ServiceApp.service(name, FreePorts.next(), () -> new SpringApplicationBuilder(Broken.class));
    }

    static ServiceApp edge() {
        return ServiceApp.edge(FreePorts.next(), () -> new SpringApplicationBuilder(Edge.class));
    }
}
