package eventshop.configserver;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.config.server.EnableConfigServer;

/**
 * The Config Server of the distributed topology (port 8888, DESIGN §2): serves every application's
 * configuration from a directory ({@code EVENTSHOP_CONFIG_DIR}, the repository's {@code config/} by default)
 * with the native backend: {@code application.yml} for all, {@code <application>.yml} for one, and the
 * profile files ({@code application-kubernetes.yml}). Configuration in {@code config-server.yml}.
 */
@SpringBootApplication
@EnableConfigServer
public class ConfigServerApplication {

    public static void main(String[] args) {
        new SpringApplicationBuilder(ConfigServerApplication.class).properties("spring.config.name=config-server")
                .run(args);
    }
}
