package eventshop.accounts.privacy;

import eventshop.eventsourcing.privacy.BlindIndex;
import eventshop.eventsourcing.privacy.JdbcSubjectKeys;
import eventshop.eventsourcing.privacy.MasterKey;
import eventshop.eventsourcing.privacy.Sealing;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Accounts owns the data subjects (customers and administrators): their keys live in its database
 * ({@link JdbcSubjectKeys}), wrapped by the master key of {@value MasterKey#PROPERTY} (required: the service does not
 * start without it, nor with one that does not unwrap the stored keys), and its e-mail look-ups go through a blind
 * index. docs/privacy.md.
 */
@Configuration(proxyBeanMethods = false)
public class PrivacyConfiguration {

    @Bean
    public MasterKey masterKey(@Value("${" + MasterKey.PROPERTY + ":}") String base64) {
        return MasterKey.fromBase64(base64);
    }

    @Bean
    public JdbcSubjectKeys subjectKeys(JdbcTemplate jdbc, MasterKey masterKey, Clock clock) {
        return new JdbcSubjectKeys(jdbc, masterKey, clock);
    }

    @Bean
    public Sealing sealing(JdbcSubjectKeys subjectKeys) {
        return new Sealing(subjectKeys);
    }

    @Bean
    public EmailIndex emailIndex(MasterKey masterKey) {
        return new EmailIndex(new BlindIndex(masterKey, "email"));
    }
}
