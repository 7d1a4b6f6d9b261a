package eventshop.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventstore.RecordedEvent;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

class TablesTest {

    private static Projection projection(String name, String... tables) {
        return new Projection() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<String> tables() {
                return List.of(tables);
            }

            @Override
            public void create(Tables names, JdbcTemplate jdbc) {
            }

            @Override
            public void apply(RecordedEvent event, Tables names, JdbcTemplate jdbc) {
            }
        };
    }

    @Test
    void physicalNames_carryTheGeneration() {
        Tables tables = Tables.of(projection("carts", "cart_lines", "carts"), 3);

        assertThat(tables.name("cart_lines")).isEqualTo("cart_lines_g3");
        assertThat(tables.physicalNames()).containsExactly("cart_lines_g3", "carts_g3");
        assertThat(tables.sql("SELECT * FROM {carts} c JOIN {cart_lines} l ON l.cart_id = c.id WHERE c.id = ?"))
                .isEqualTo("SELECT * FROM carts_g3 c JOIN cart_lines_g3 l ON l.cart_id = c.id WHERE c.id = ?");
    }

    @Test
    void unknownOrBadTableNames_areRefused() {
        Tables tables = Tables.of(projection("carts", "carts"), 1);

        assertThatThrownBy(() -> tables.name("orders")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no table 'orders'");
        assertThatThrownBy(() -> tables.sql("SELECT * FROM {orders}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tables.of(projection("carts", "Carts; DROP"), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tables.of(projection("carts", "carts", "carts"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }
}
