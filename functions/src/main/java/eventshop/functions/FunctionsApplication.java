package eventshop.functions;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;

/**
 * The functions app: the {@link EventFunctions} bound to Kafka through Spring Cloud Stream
 * ({@code functions.yml}: each {@code <fn>-in-0} reads its topic in group {@code functions-<fn>},
 * each {@code <fn>-out-0} writes commands synchronously, so an input offset is committed only once
 * its output is on the broker). No event store, no database of its own: the functions are stateless.
 * Port 8088 (actuator only).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(EventFunctions.class)
public class FunctionsApplication {

    public static final String CONFIG_NAME = "functions";

    /** A builder reading {@code functions.yml}; the launcher adds its own properties and runs it. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(FunctionsApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
