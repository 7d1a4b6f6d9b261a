package eventshop.eventstore.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventstore.InvalidRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresEventStoreOptionsTest {

    @Test
    void fromProperties_readsTheStartersKeys() {
        PostgresEventStoreOptions options = PostgresEventStoreOptions.fromProperties(Map.of(
                "eventshop.eventstore.postgres.url", "jdbc:postgresql://db:5432/shop",
                "eventshop.eventstore.postgres.user", "orders",
                "eventshop.eventstore.postgres.password", "secret",
                "eventshop.eventstore.postgres.schema", "orders",
                "eventshop.eventstore.postgres.pool-size", "32",
                "eventshop.eventstore.postgres.poll-interval", "250ms",
                "eventshop.eventstore.postgres.listen", "false"));

        assertThat(options).isEqualTo(new PostgresEventStoreOptions("jdbc:postgresql://db:5432/shop", "orders",
                "secret", "orders", 32, Duration.ofMillis(250), false));
        assertThat(options.toString()).doesNotContain("secret");
    }

    @Test
    void fromProperties_defaultsEverythingButTheUrl() {
        PostgresEventStoreOptions options = PostgresEventStoreOptions.fromProperties(
                Map.of("eventshop.eventstore.postgres.url", "jdbc:postgresql://db/shop"));

        assertThat(options.schema()).isEqualTo("eventstore");
        assertThat(options.maxPoolSize()).isEqualTo(16);
        assertThat(options.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.listen()).isTrue();
        assertThat(PostgresEventStoreOptions.fromProperties(Map.of("eventshop.eventstore.postgres.url",
                "jdbc:postgresql://db/shop", "eventshop.eventstore.postgres.poll-interval", "PT2S")).pollInterval())
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void badSettings_areInvalidRequests() {
        assertThatThrownBy(() -> PostgresEventStoreOptions.fromProperties(Map.of()))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("JDBC URL");
        assertThatThrownBy(() -> PostgresEventStoreOptions.forUrl("jdbc:postgresql://db/shop", null, null)
                .withSchema("Orders; DROP TABLE x")).isInstanceOf(InvalidRequest.class);
        assertThatThrownBy(() -> PostgresEventStoreOptions.forUrl("jdbc:postgresql://db/shop", null, null)
                .withSchema("pg_catalog")).isInstanceOf(InvalidRequest.class);
        assertThatThrownBy(() -> PostgresEventStoreOptions.fromProperties(Map.of("eventshop.eventstore.postgres.url",
                "jdbc:postgresql://db/shop", "eventshop.eventstore.postgres.pool-size", "many")))
                .isInstanceOf(InvalidRequest.class);
    }
}
