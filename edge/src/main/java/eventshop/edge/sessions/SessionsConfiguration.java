package eventshop.edge.sessions;

import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The sessions over Spring Session's repository, which Spring Boot configures from {@code spring.session.*}
 * and {@code spring.datasource.*} (edge's own database; its tables come from {@code sessions-schema.sql}).
 */
@Configuration(proxyBeanMethods = false)
class SessionsConfiguration {

    @Bean
    Sessions sessions(FindByIndexNameSessionRepository<? extends Session> repository, JdbcTemplate jdbc,
                      PlatformTransactionManager transactions, ObjectProvider<Clock> clock) {
        return new Sessions(repository, jdbc, new TransactionTemplate(transactions), clock.getIfAvailable(Clock::systemUTC));
    }
}
