package eventshop.views;

import static eventshop.views.Events.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.projection.Projections;
import eventshop.views.model.Views;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The checkpoints live in the view transaction: a replica closed in the middle of the stream resumes
 * from its own checkpoints (not from the beginning, not from Kafka), and counts nothing twice.
 */
@ViewsTest
class CheckpointTest {

    @Autowired
    Projections projections;
    @Autowired
    JdbcTemplate jdbc;

    final Events events = Events.INSTANCE;

    void orders(String sku, int from, int to) {
        for (int i = from; i < to; i++) {
            events.order("cp-customer-" + (i % 11), UUID.randomUUID().toString(), List.of(line(sku, 2, 150)),
                    Events.fate(i));
        }
        events.flush();
    }

    static long[] sales(ConfigurableApplicationContext context, String sku) {
        Projections replica = context.getBean(Projections.class);
        JdbcTemplate replicaJdbc = context.getBean(JdbcTemplate.class);
        return replica.read(Views.NAME, tables -> replicaJdbc.query(tables.sql("SELECT orders, units, revenue_cents"
                        + " FROM {sales_by_product} WHERE sku = ?"), (rs, n) -> new long[] {rs.getLong(1), rs.getLong(2),
                rs.getLong(3)}, sku).stream().findFirst().orElse(new long[] {0, 0, 0}));
    }

    @Test
    void aReplicaClosedMidStream_resumesFromItsCheckpoints_andCountsNothingTwice() {
        // given: a replica reading while orders arrive
        String sku = "SKU-CP" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String database = "views-restart-" + UUID.randomUUID();
        orders(sku, 0, 100);
        ConfigurableApplicationContext replica = TestKafka.replica(database);
        Projections first = replica.getBean(Projections.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> first.status(Views.NAME).active().processed() > 0);

        // when: it stops in the middle, more orders arrive, and it starts again on the same database
        replica.close();
        orders(sku, 100, 300);
        long endBeforeRestart = TestKafka.endOffsets();
        replica = TestKafka.replica(database);
        try {
            // then
            Snapshot restarted = Snapshot.caughtUp(replica);
            Snapshot main = Snapshot.caughtUp(projections, jdbc);
            assertThat(restarted.hash()).isEqualTo(main.hash());
            assertThat(restarted.generation()).isEqualTo(1);
            assertThat(replica.getBean(Projections.class).status(Views.NAME).active().processed())
                    .as("records read after the restart: only those after the checkpoints")
                    .isLessThan(endBeforeRestart);
            // 6 of every 10 orders are sales, 2 units of 150 cents each
            assertThat(sales(replica, sku)).containsExactly(180, 360, 54_000);
        } finally {
            replica.close();
        }
    }
}
