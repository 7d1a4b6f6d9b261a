package eventshop.views;

import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.projection.Checkpoint;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.projection.ContentHash;
import eventshop.views.model.Views;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** A replica's views at a batch boundary: generation, records read, overall content hash. */
public record Snapshot(int generation, long records, String hash) {

    /** The views of {@code projections} now. */
    public static Snapshot of(Projections projections, JdbcTemplate jdbc) {
        return projections.readAtBatchBoundary(Views.NAME, (tables, offsets) -> new Snapshot(tables.generation(),
                ((Checkpoint.Topics) offsets).records(), ContentHash.of(jdbc, tables).sha256()));
    }

    public static Snapshot of(ApplicationContext context) {
        return of(context.getBean(Projections.class), context.getBean(JdbcTemplate.class));
    }

    /** Waits until {@code projections} have read everything on the topics, no rebuild running, and answers their snapshot. */
    public static Snapshot caughtUp(Projections projections, JdbcTemplate jdbc) {
        Events.INSTANCE.flush();
        AtomicReference<Snapshot> snapshot = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (projections.status(Views.NAME).rebuild() != null) {
                return false;
            }
            long end = TestKafka.endOffsets();
            Snapshot now = of(projections, jdbc);
            snapshot.set(now);
            return now.records() == end;
        });
        return snapshot.get();
    }

    public static Snapshot caughtUp(ApplicationContext context) {
        return caughtUp(context.getBean(Projections.class), context.getBean(JdbcTemplate.class));
    }
}
