package eventshop.eventsourcing.calls;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/** {@link ServiceCalls}, with its breakers' state on the meter registry ({@code resilience4j.circuitbreaker.*}). */
@AutoConfiguration(afterName = "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
@EnableConfigurationProperties({ServiceCallsProperties.class, ServiceEndpoints.class})
public class ServiceCallsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public ServiceCalls serviceCalls(ServiceCallsProperties properties, ServiceEndpoints endpoints,
                                     ObjectProvider<RestClient.Builder> builder,
                                     ObjectProvider<MeterRegistry> meters,
                                     ObjectProvider<LoadBalancerClient> loadBalancer) {
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(ServiceCalls.breakerConfig(properties));
        meters.ifAvailable(registry -> TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry));
        return new ServiceCalls(properties, endpoints, builder.getIfAvailable(RestClient::builder), breakers,
                loadBalancer.getIfAvailable());
    }
}
