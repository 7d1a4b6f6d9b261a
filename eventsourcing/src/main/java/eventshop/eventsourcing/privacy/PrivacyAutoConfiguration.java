package eventshop.eventsourcing.privacy;

import eventshop.eventsourcing.calls.ServiceCalls;
import eventshop.eventsourcing.calls.ServiceCallsAutoConfiguration;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.ServiceSecurityAutoConfiguration;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * In a service that seals or opens the personal data of subjects another service owns: {@code
 * eventshop.privacy.keys-from=<owner>} (accounts) gives it {@link RemoteSubjectKeys} (kept in memory for {@code
 * eventshop.privacy.key-ttl}, 5 min by default) and a {@link Sealing} over them. The owner declares its own
 * {@link JdbcSubjectKeys}, and this stays out of its way. A service without an event store (web, which only opens
 * what it shows) needs only {@code eventshop.service-name}, the token secret and the owner's URL.
 */
@AutoConfiguration(after = {ServiceCallsAutoConfiguration.class, ServiceSecurityAutoConfiguration.class})
@ConditionalOnProperty(prefix = "eventshop.privacy", name = "keys-from")
public class PrivacyAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(SubjectKeys.class)
    public RemoteSubjectKeys remoteSubjectKeys(ServiceCalls calls, ObjectProvider<EdgeTokens> tokens,
                                               @Value("${eventshop.service-name}") String serviceName,
                                               ObjectProvider<Clock> clock,
                                               @Value("${eventshop.privacy.keys-from}") String owner,
                                               @Value("${eventshop.privacy.key-ttl:5m}") Duration ttl) {
        EdgeTokens minter = tokens.getIfAvailable();
        if (minter == null) {
            throw new IllegalStateException("eventshop.privacy.keys-from=" + owner + " needs the service's token secret"
                    + " (eventshop.security.token-secret) to call " + owner + " as itself");
        }
        return new RemoteSubjectKeys(calls, owner, minter, serviceName, ttl,
                clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnMissingBean
    public Sealing sealing(SubjectKeys keys) {
        return new Sealing(keys);
    }
}
