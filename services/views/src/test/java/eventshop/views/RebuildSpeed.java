package eventshop.views;

import static eventshop.views.Events.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.projection.Projections;
import eventshop.views.model.Views;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A measuring harness, not a test (tag {@code benchmark}, left out of the module's test runs): how fast
 * the views are built from the topics. Publishes {@code views.rebuild.orders} orders (default 10,000:
 * about 48,000 records), builds a replica on its own database from the beginning of the topics, then
 * rebuilds it {@code views.rebuild.rounds} times (default 5) and prints records per second of each.
 * Run it alone (the broker's topics are shared with the module's tests):
 *
 * <pre>
 * ./mvnw -o -B -ntp -pl services/views -am verify -Dtest=RebuildSpeed -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dviews.test.excludedGroups=none -Dviews.rebuild.orders=20000
 * </pre>
 *
 * The figures go to {@code services/views/target/surefire-reports/eventshop.views.RebuildSpeed-output.txt}
 * (lines starting {@code RESULT}). Speed is never asserted: the machine decides it.
 */
@Tag("benchmark")
class RebuildSpeed {

    @Test
    void measure() {
        int orders = Integer.getInteger("views.rebuild.orders", 10_000);
        int rounds = Integer.getInteger("views.rebuild.rounds", 5);
        for (int i = 0; i < orders; i++) {
            Events.INSTANCE.order("speed-" + (i % 97), UUID.randomUUID().toString(),
                    List.of(line("SKU-SPEED" + (i % 13), 1 + i % 3, 250)), Events.fate(i));
        }
        Events.INSTANCE.flush();
        long records = TestKafka.endOffsets();
        try (ConfigurableApplicationContext replica = TestKafka.replica("views-speed-" + UUID.randomUUID())) {
            long t0 = System.nanoTime();
            Snapshot built = Snapshot.caughtUp(replica);
            double first = (System.nanoTime() - t0) / 1e9;
            System.out.printf("RESULT records=%d first build %.2f s (%.0f records/s)%n", records, first,
                    records / first);
            Projections projections = replica.getBean(Projections.class);
            for (int round = 0; round < rounds; round++) {
                int generation = projections.status(Views.NAME).active().generation();
                long t1 = System.nanoTime();
                projections.rebuild(Views.NAME);
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> projections.status(Views.NAME).active().generation() > generation);
                double rebuild = (System.nanoTime() - t1) / 1e9;
                System.out.printf("RESULT records=%d rebuild %d %.2f s (%.0f records/s)%n", records, round + 1,
                        rebuild, records / rebuild);
            }
            assertThat(Snapshot.caughtUp(replica).hash()).isEqualTo(built.hash());
        }
    }
}
