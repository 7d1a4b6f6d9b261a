package eventshop.eventstore.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.RecordedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A subscription from position 0 over a log of several read-ahead pages (each read through a
 * cursor, up to the head visible when it was read) while appends go on: every event once, in
 * position order, no gap.
 */
class CatchUpReadTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void aSubscriptionFromZero_overManyPages_whileAppendsContinue_seesEveryEventOnceInOrder() throws Exception {
        try (PostgresEventStore store = PostgresEventStore.open(TestDatabase.freshOptions())) {
            // given a log of a little over five read-ahead pages (of 1,000 here, 2,048 by default)
            store.readAhead(1_000, true);
            int before = 5_500;
            for (int b = 0; b < before / 500; b++) {
                store.append("fill-" + (b % 7), ExpectedVersion.any(), events(500));
            }

            // when a subscriber starts from 0 while a writer goes on appending, one to a hundred at a time
            int during = 1_500;
            List<RecordedEvent> seen = new ArrayList<>();
            var subscription = store.subscribe(0).take(before + during).doOnNext(seen::add).then().toFuture();
            int written = 0;
            for (int i = 0; written < during; i++) {
                int n = Math.min(during - written, 1 + (i * 37) % 60);
                store.append("live-" + (i % 5), ExpectedVersion.any(), events(n));
                written += n;
            }
            subscription.get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

            // then it saw every position once, in order, with the events stored there
            assertThat(seen).extracting(RecordedEvent::position)
                    .containsExactlyElementsOf(LongStream.range(0, before + during).boxed().toList());
            List<RecordedEvent> stored = store.readAll(4_990, 20).collectList().block(PATIENCE);
            assertThat(seen.subList(4_990, 5_010)).extracting(RecordedEvent::eventId)
                    .containsExactlyElementsOf(stored.stream().map(RecordedEvent::eventId).toList());
        }
    }

    private static List<EventData> events(int n) {
        List<EventData> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            events.add(LoneWriterTest.event());
        }
        return events;
    }
}
