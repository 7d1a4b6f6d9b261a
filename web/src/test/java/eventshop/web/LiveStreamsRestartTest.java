package eventshop.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.web.live.LiveStreams;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The live streams' one scheduler follows the application's lifecycle: a stopped application that is started again
 * (Spring's test contexts are paused and resumed so) has its periodic tasks running again, not a dead scheduler.
 */
class LiveStreamsRestartTest {

    @Test
    void aRestartedApplication_runsItsPeriodicTasksAgain() {
        // given: a task registered before the start, and a stop
        LiveStreams streams = new LiveStreams(Duration.ofHours(1), Duration.ofMinutes(30));
        AtomicInteger runs = new AtomicInteger();
        streams.every(Duration.ofMillis(20), runs::incrementAndGet);
        streams.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() > 0);
        streams.stop();
        assertThat(streams.isRunning()).isFalse();

        // when
        int beforeRestart = runs.get();
        streams.start();

        // then
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() > beforeRestart + 1);
        assertThat(streams.isRunning()).isTrue();
        streams.stop();
    }
}
