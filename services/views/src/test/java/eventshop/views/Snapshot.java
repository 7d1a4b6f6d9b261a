package eventshop.views;

import static org.awaitility.Awaitility.await;

import eventshop.views.feed.ViewFeed;
import eventshop.views.model.ContentHash;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** A replica's views at a batch boundary: generation, records read, overall content hash. */
public record Snapshot(int generation, long records, String hash) {

    /** The views of {@code feed} now. */
    public static Snapshot of(ViewFeed feed, JdbcTemplate jdbc) {
        return feed.consistently((tables, offsets) -> new Snapshot(tables.generation(),
                offsets.values().stream().mapToLong(Long::longValue).sum(), ContentHash.of(jdbc, tables).get("overall")));
    }

    public static Snapshot of(ApplicationContext context) {
        return of(context.getBean(ViewFeed.class), context.getBean(JdbcTemplate.class));
    }

    /** Waits until {@code feed} has read everything on the topics, no rebuild running, and answers its snapshot. */
    public static Snapshot caughtUp(ViewFeed feed, JdbcTemplate jdbc) {
        Events.INSTANCE.flush();
        AtomicReference<Snapshot> snapshot = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (feed.status().rebuild() != null) {
                return false;
            }
            long end = TestKafka.endOffsets();
            Snapshot now = of(feed, jdbc);
            snapshot.set(now);
            return now.records() == end;
        });
        return snapshot.get();
    }

    public static Snapshot caughtUp(ApplicationContext context) {
        return caughtUp(context.getBean(ViewFeed.class), context.getBean(JdbcTemplate.class));
    }
}
