package eventshop.eventsourcing.config;

import eventshop.eventsourcing.web.AcceptCheck;
import eventshop.eventsourcing.web.ParameterProblems;
import eventshop.eventsourcing.web.ProblemErrorController;
import eventshop.eventsourcing.web.ProblemReportValve;
import eventshop.eventsourcing.web.RequestHeaderArguments;
import eventshop.eventsourcing.web.RequestSizeLimit;
import eventshop.eventsourcing.web.StrictJson;
import eventshop.eventsourcing.web.StrictText;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.ops.MeteredEventStore;
import eventshop.eventsourcing.web.Problems;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.file.FileEventStore;
import eventshop.eventstore.file.FileEventStoreOptions;
import eventshop.eventstore.memory.InMemoryEventStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * The service's event store (file engine by default; {@code eventshop.eventstore.engine=postgres}
 * with {@code eventshop.eventstore.postgres.*} for the distributed topology; {@code memory} for
 * tests; {@code none} for an application that keeps no log, such as the functions), metered; a
 * {@link Clock}; and the web side every service shares ({@link Web}).
 */
@AutoConfiguration(beforeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration")
@EnableConfigurationProperties(EventSourcingProperties.class)
public class EventSourcingAutoConfiguration {

    /**
     * The log, unless the application keeps none ({@code eventshop.eventstore.engine=none}); its
     * {@code eventstore} endpoint comes with the operations console's ({@code OpsLogAutoConfiguration}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${eventshop.eventstore.engine:file}' != 'none'")
    static class Log {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(EventStore.class)
        public EventStore eventStore(EventSourcingProperties properties, ObjectProvider<MeterRegistry> registry,
                                     Environment environment) {
            EventSourcingProperties.EventStoreProperties settings = properties.eventstore();
            EventStore store = switch (settings.engine()) {
                case "memory" -> new InMemoryEventStore();
                case "postgres" -> PostgresEngine.open(environment);
                case "file" -> FileEventStore.open(settings.directory() != null ? settings.directory()
                                : Path.of("data", properties.serviceName(), "eventstore"),
                        FileEventStoreOptions.defaults().withDurability(settings.durability()));
                default -> throw new IllegalStateException("eventshop.eventstore.engine must be 'file', 'postgres' or"
                        + " 'memory' (or 'none' for no log), was '" + settings.engine() + "'");
            };
            return new MeteredEventStore(store, registry.getIfAvailable(SimpleMeterRegistry::new));
        }
    }

    @Bean
    @ConditionalOnMissingBean
    public CommandContexts commandContexts(ObjectProvider<Tracer> tracer) {
        return new CommandContexts(tracer.getIfAvailable(), UUID::randomUUID);
    }

    /** Kept apart so that the PostgreSQL engine's classes are only loaded when it is chosen. */
    static final class PostgresEngine {
        static EventStore open(Environment environment) {
            if (!ClassUtils.isPresent("eventshop.eventstore.postgres.PostgresEventStore",
                    PostgresEngine.class.getClassLoader())) {
                throw new IllegalStateException("eventshop.eventstore.engine=postgres needs the eventstore-postgres"
                        + " module on the classpath");
            }
            return eventshop.eventstore.postgres.PostgresEventStore.open(
                    eventshop.eventstore.postgres.PostgresEventStoreOptions.fromProperties(environment::getProperty));
        }
    }

    @Bean
    @ConditionalOnMissingBean
    public Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * The web side every service shares: problem responses for every error ({@link Problems}, Boot's error
     * page and Tomcat's error report replaced), strict request bodies ({@link StrictJson}) and parameters
     * ({@link StrictText}), a malformed {@code Accept} refused ({@link AcceptCheck}), bodies over
     * {@code eventshop.web.max-request-size} (64 KiB by default) refused ({@link RequestSizeLimit}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Web {

        @Bean
        @ConditionalOnMissingBean
        Problems problems() {
            return new Problems();
        }

        @Bean
        @ConditionalOnMissingBean(ErrorController.class)
        ProblemErrorController problemErrorController() {
            return new ProblemErrorController();
        }

        @Bean
        @ConditionalOnClass(name = "org.apache.tomcat.util.http.InvalidParameterException")
        ParameterProblems parameterProblems() {
            return new ParameterProblems();
        }

        @Bean
        StrictText strictText() {
            return new StrictText();
        }

        @Bean
        @ConditionalOnMissingBean
        StrictJson strictJson(ObjectProvider<JsonMapper> applicationMapper) {
            return new StrictJson(applicationMapper.getIfAvailable(() -> JsonMapper.builder().build()));
        }

        /** Request bodies are read by the strict mapper; the application's own stays as it is for everything else. */
        @Bean
        WebMvcConfigurer strictRequestBodies(StrictJson strictJson) {
            return new WebMvcConfigurer() {
                @Override
                public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
                    builder.configureMessageConvertersList(converters -> converters.replaceAll(converter ->
                            converter instanceof JacksonJsonHttpMessageConverter
                                    ? new JacksonJsonHttpMessageConverter(strictJson.mapper()) : converter));
                }
            };
        }

        /** {@code Correlation} and {@code ConsistencyToken} controller parameters, read from their headers. */
        @Bean
        WebMvcConfigurer requestHeaderArguments() {
            return new WebMvcConfigurer() {
                @Override
                public void addArgumentResolvers(java.util.List<HandlerMethodArgumentResolver> resolvers) {
                    resolvers.add(new RequestHeaderArguments());
                }
            };
        }

        @Bean
        FilterRegistrationBean<AcceptCheck> acceptCheck() {
            FilterRegistrationBean<AcceptCheck> registration = new FilterRegistrationBean<>(new AcceptCheck());
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 11);
            registration.addUrlPatterns("/*");
            return registration;
        }

        @Bean
        FilterRegistrationBean<RequestSizeLimit> requestSizeLimit(
                @Value("${eventshop.web.max-request-size:64KB}") DataSize maxRequestSize) {
            FilterRegistrationBean<RequestSizeLimit> registration =
                    new FilterRegistrationBean<>(new RequestSizeLimit(maxRequestSize.toBytes()));
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
            registration.addUrlPatterns("/*");
            return registration;
        }

        /** Tomcat's error report (HTML) becomes a problem; after Boot's own customizer, which adds Tomcat's valve. */
        @Bean
        @ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
        WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> problemReportValve() {
            return new WebServerFactoryCustomizer<>() {
                @Override
                public void customize(ConfigurableTomcatWebServerFactory factory) {
                    factory.addContextCustomizers(ProblemReportValve::install);
                }
            };
        }
    }
}
