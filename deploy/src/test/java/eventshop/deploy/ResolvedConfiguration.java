package eventshop.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * What Spring Boot itself makes of an application's configuration in a deployment: the deployment's environment
 * variables as the only ones (no system properties), the application's own file from its module's resources (the
 * root of its jar) under its {@code spring.config.name}, and whatever SPRING_CONFIG_IMPORT imports. An empty
 * context: only the environment is wanted.
 */
final class ResolvedConfiguration implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private ResolvedConfiguration(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static ResolvedConfiguration load(Reactor.Application application, Map<String, String> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new LinkedHashMap<>(variables)));
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);

        SpringApplication spring = new SpringApplication(Nothing.class);
        spring.setWebApplicationType(WebApplicationType.NONE);
        spring.setBannerMode(Banner.Mode.OFF);
        spring.setLogStartupInfo(false);
        spring.setEnvironment(environment);
        Path jar = application.ownConfiguration().getParent();
        spring.setDefaultProperties(Map.of("spring.config.name", application.name(),
                "spring.config.location", "file:" + jar + "/"));
        return new ResolvedConfiguration(spring.run());
    }

    ConfigurableEnvironment environment() {
        return context.getEnvironment();
    }

    String get(String property) {
        return environment().getProperty(property);
    }

    /** Every property the configuration files set (not the environment's variables). */
    List<String> propertyNames() {
        return environment().getPropertySources().stream()
                .filter(source -> source instanceof OriginTrackedMapPropertySource)
                .flatMap(source -> Stream.of(((EnumerablePropertySource<?>) source).getPropertyNames()))
                .distinct().toList();
    }

    @Override
    public void close() {
        context.close();
    }

    /** No beans. */
    @Configuration(proxyBeanMethods = false)
    static class Nothing {
    }
}
