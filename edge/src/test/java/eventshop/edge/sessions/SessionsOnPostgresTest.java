package eventshop.edge.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Edge's sessions on PostgreSQL (the distributed topology's database; the embedded store uses H2, which the
 * other edge tests run on): the schema script runs at every start, so it must run twice, and Spring
 * Session's repository and the endings work on it.
 */
class SessionsOnPostgresTest {

    @Test
    void theSchemaRunsAtEveryStart_andSessionsOpenCheckAndEnd() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            // given: the script run twice, as two starts would
            DataSource database = postgres.getPostgresDatabase();
            ResourceDatabasePopulator schema = new ResourceDatabasePopulator(
                    new ClassPathResource("eventshop/edge/sessions-schema.sql"));
            schema.execute(database);
            schema.execute(database);
            JdbcTemplate jdbc = new JdbcTemplate(database);
            TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(database));
            JdbcIndexedSessionRepository repository = new JdbcIndexedSessionRepository(jdbc, transactions);
            repository.setDefaultMaxInactiveInterval(Duration.ofMinutes(30));
            Sessions sessions = new Sessions(repository, jdbc, transactions, Clock.systemUTC());

            // when / then
            long mark = sessions.mark();
            String checkedAt4 = sessions.open("acc-pg", mark, 4L);
            assertThat(sessions.isLive(checkedAt4, "acc-pg")).isTrue();
            assertThat(sessions.isLive(checkedAt4, "someone-else")).isFalse();
            assertThat(sessions.endBefore("acc-pg", Sessions.Ending.SUSPENDED, 3)).isZero();
            assertThat(sessions.isLive(checkedAt4, "acc-pg")).isTrue();
            assertThatThrownBy(() -> sessions.open("acc-pg", mark, 2L)).isInstanceOf(Sessions.AccountSessionsEnded.class);
            assertThat(sessions.endAll("acc-pg", Sessions.Ending.ARCHIVED)).isEqualTo(1);
            assertThat(sessions.isLive(checkedAt4, "acc-pg")).isFalse();
            assertThat(sessions.mark()).isEqualTo(mark + 2);
            String later = sessions.open("acc-pg", sessions.mark(), null);
            assertThat(sessions.end(later)).isTrue();
            assertThat(sessions.end(later)).isFalse();
        }
    }
}
