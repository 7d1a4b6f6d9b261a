package eventshop.edge;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The front door of the store: routes {@code /api/<service>/**} to the services (Spring Cloud Gateway
 * Server WebMvc), logs users in, and replaces every caller's credentials with a short-lived token it
 * mints for the services. Not event-sourced: its only state is the server-side sessions behind the session
 * tokens, in its own database ({@code eventshop.edge.sessions}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class EdgeApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The application with its own config name, so that it can share a classpath with the services. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(EdgeApplication.class).properties("spring.config.name=edge");
    }
}
