package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** A minimal service using the starter: one projection and a query endpoint that honours consistency tokens. */
@SpringBootConfiguration
@EnableAutoConfiguration
class LedgerApp {

    @Bean
    Ledger ledger() {
        return new Ledger();
    }

    /** Registered as a member class of this configuration. */
    @RestController
    static class Balances {

        private final Projections projections;
        private final JdbcTemplate jdbc;

        Balances(Projections projections, JdbcTemplate jdbc) {
            this.projections = projections;
            this.jdbc = jdbc;
        }

        @GetMapping("/balances/{account}")
        Map<String, Object> balance(@PathVariable String account,
                                    @RequestHeader(name = ConsistencyToken.HEADER, required = false) String token) {
            return projections.read("ledger", token, tables -> jdbc.queryForList(
                    tables.sql("SELECT total, deposits FROM {balances} WHERE account = ?"), account))
                    .stream().findFirst().orElse(Map.of("total", 0, "deposits", 0));
        }
    }
}
