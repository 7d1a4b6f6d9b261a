package eventshop.edge.tokens;

import eventshop.edge.EdgeProperties;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TokenConfiguration {

    @Bean
    EdgeTokens edgeTokens(@Value("${" + TokenSecret.PROPERTY + ":}") String secret,
                          @Value("${" + TokenSecret.PREVIOUS_PROPERTY + ":}") String previous, EdgeProperties properties,
                          ObjectProvider<Clock> clock) {
        return new EdgeTokens(TokenSecret.parse(secret, previous), clock.getIfAvailable(Clock::systemUTC),
                properties.sessionTtl(), properties.servicesTokenTtl());
    }
}
