package eventshop.orders.customers;

import eventshop.orders.order.domain.CustomerStanding;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Orders' own view of which customers may shop: table {@code customer_standings(account_id, standing,
 * version)} in the orders database (migration {@code db/orders/V1__customer_standings.sql}), fed from {@code accounts.events} by {@link AccountFeed} (never a call to
 * accounts). {@code version} is the highest version of the account's stream ({@code account-<id>}) applied,
 * so an older event delivered late (a replayed dead letter) never overwrites a newer standing.
 *
 * <p>An account without a row may shop: orders has not heard of it yet (its events are on their way), or it
 * has no account stream at all (customers minted by tests). Every real customer registers before a checkout,
 * and the saga looks again before it confirms.
 */
@Repository
public class CustomerStandings {

    private final JdbcTemplate jdbc;

    public CustomerStandings(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The customer's standing now; {@link CustomerStanding#MAY_SHOP} for a customer orders never heard of. */
    public CustomerStanding of(String customerId) {
        List<String> rows = jdbc.queryForList("SELECT standing FROM customer_standings WHERE account_id = ?",
                String.class, customerId);
        return rows.isEmpty() ? CustomerStanding.MAY_SHOP : CustomerStanding.valueOf(rows.getFirst());
    }

    /**
     * Records the standing an event at {@code version} of the account's stream gives, unless a later
     * version is recorded already.
     *
     * @return the account's standing after this
     */
    public CustomerStanding record(String accountId, CustomerStanding standing, long version) {
        if (jdbc.update("UPDATE customer_standings SET standing = ?, version = ? WHERE account_id = ? AND version < ?",
                standing.name(), version, accountId, version) == 0) {
            List<Long> existing = jdbc.queryForList("SELECT version FROM customer_standings WHERE account_id = ?",
                    Long.class, accountId);
            if (existing.isEmpty()) {
                jdbc.update("INSERT INTO customer_standings (account_id, standing, version) VALUES (?, ?, ?)",
                        accountId, standing.name(), version);
            }
        }
        return of(accountId);
    }
}
