package eventshop.payments.cards;

import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.projection.StreamProjection;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventstore.RecordedEvent;
import eventshop.payments.cards.domain.Card;
import eventshop.payments.cards.domain.CardEvent;
import eventshop.payments.cards.domain.CardEvent.CardTokenized;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * Read model of the tokenized cards, table {@code card_tokens}: token, owner, brand, last four,
 * expiry. What a customer may see of their cards, and all that exists of them outside the private
 * streams (there is no number to store).
 */
@Component
public class CardTokens extends StreamProjection<CardEvent> {

    public static final String NAME = "card_tokens";

    /** One card as its owner sees it. */
    public record TokenView(String token, String brand, String last4, int expMonth, int expYear, Instant createdAt) {
    }

    private static final RowMapper<TokenView> ROW = (rs, row) -> new TokenView(rs.getString("token"),
            rs.getString("brand"), rs.getString("last4"), rs.getInt("exp_month"), rs.getInt("exp_year"),
            rs.getTimestamp("created_at").toInstant());

    public CardTokens() {
        super(NAME, Card.streamId(""), JsonEventCodec.of(CardEvent.class), List.of("card_tokens"),
                "CREATE TABLE {card_tokens} (token VARCHAR(40) PRIMARY KEY, customer_id VARCHAR(200) NOT NULL,"
                        + " brand VARCHAR(20) NOT NULL, last4 VARCHAR(4) NOT NULL, exp_month INT NOT NULL,"
                        + " exp_year INT NOT NULL, created_at TIMESTAMP NOT NULL, position BIGINT NOT NULL)",
                "CREATE INDEX {card_tokens}_by_customer ON {card_tokens} (customer_id, position)");
    }

    @Override
    protected void on(CardEvent event, RecordedEvent recorded, Tables tables, JdbcTemplate jdbc) {
        switch (event) {
            case CardTokenized card -> jdbc.update(tables.sql("INSERT INTO {card_tokens} (token, customer_id, brand,"
                            + " last4, exp_month, exp_year, created_at, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                    card.token(), card.customerId(), card.brand(), card.last4(), card.expMonth(), card.expYear(),
                    Timestamp.from(recorded.metadata().timestamp()), recorded.position());
        }
    }

    /** A customer's cards, newest first (at most 100). */
    public static List<TokenView> ofCustomer(JdbcTemplate jdbc, Tables tables, String customerId) {
        return jdbc.query(tables.sql("SELECT * FROM {card_tokens} WHERE customer_id = ? ORDER BY position DESC"
                + " FETCH FIRST 100 ROWS ONLY"), ROW, customerId);
    }
}
