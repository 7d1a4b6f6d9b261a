package eventshop.discovery;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;

/**
 * The service registry of the distributed topology (port 8761, DESIGN §2): a standalone Eureka server where
 * every instance of edge and the services registers, and from which edge's and the services' Spring Cloud
 * LoadBalancer learn the instances behind {@code lb://<service>}. Configuration in {@code discovery.yml}.
 */
@SpringBootApplication
@EnableEurekaServer
public class DiscoveryApplication {

    public static void main(String[] args) {
        new SpringApplicationBuilder(DiscoveryApplication.class).properties("spring.config.name=discovery").run(args);
    }
}
