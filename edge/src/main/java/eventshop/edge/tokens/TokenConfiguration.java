package eventshop.edge.tokens;

import eventshop.edge.EdgeProperties;
import eventshop.edgetoken.TokenKeys;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Edge's tokens under the keys of {@value TokenKeys#SECRET_PROPERTY} (required) and {@value TokenKeys#PREVIOUS_PROPERTY}
 * (a rotation's overlap); a missing or unusable key stops edge at startup ({@link InvalidTokenKeyFailureAnalyzer}).
 */
@Configuration(proxyBeanMethods = false)
class TokenConfiguration {

    @Bean
    EdgeTokens edgeTokens(@Value("${" + TokenKeys.SECRET_PROPERTY + ":}") String secret,
                          @Value("${" + TokenKeys.PREVIOUS_PROPERTY + ":}") String previous, EdgeProperties properties,
                          ObjectProvider<Clock> clock) {
        return new EdgeTokens(TokenKeys.parse(secret, previous), clock.getIfAvailable(Clock::systemUTC),
                properties.sessionTtl(), properties.servicesTokenTtl());
    }
}
