package eventshop.eventsourcing.ops;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.projection.ProjectionStatus;
import eventshop.eventsourcing.projection.ProjectionStatus.GenerationStatus;
import eventshop.eventsourcing.projection.ProjectionStatus.RunnerState;
import eventshop.eventsourcing.projection.ProjectionStatus.State;
import eventshop.eventsourcing.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The console's rates, sampled by hand with a clock moved by hand. */
class OpsSamplerTest {

    private final TestClock clock = new TestClock();
    private final AtomicLong head = new AtomicLong(-1);
    private final List<ProjectionStatus> statuses = new ArrayList<>();
    private final OpsSampler sampler = new OpsSampler(head::get, () -> List.copyOf(statuses), clock);

    static GenerationStatus generation(int generation, long processed, long target, long reached) {
        return new GenerationStatus(generation, List.of("notes_g" + generation), RunnerState.RUNNING, reached - 1, 0, 0,
                null, null, null, processed, 0, target, reached, target <= 0 ? 1 : (double) reached / target, List.of());
    }

    static ProjectionStatus status(String name, GenerationStatus active, GenerationStatus rebuild) {
        return new ProjectionStatus(name, rebuild == null ? State.RUNNING : State.REBUILDING, true, 0, 0, Map.of(),
                active, rebuild);
    }

    private void secondsPass(int seconds, long appendedPerSecond) {
        for (int i = 0; i < seconds; i++) {
            clock.advance(Duration.ofSeconds(1));
            head.addAndGet(appendedPerSecond);
            sampler.sample();
        }
    }

    @Test
    void appendedPerSecond_coversTheLastMinute_oldestFirst() {
        sampler.touch();

        secondsPass(30, 5);
        secondsPass(40, 12);

        List<OpsSampler.Rate> rates = sampler.appended();
        assertThat(rates).hasSize(60);
        assertThat(rates.getFirst().events()).isEqualTo(5);
        assertThat(rates.getLast().events()).isEqualTo(12);
        assertThat(rates.getLast().at()).isEqualTo(clock.instant());
        assertThat(rates).extracting(OpsSampler.Rate::events).filteredOn(events -> events == 5).hasSize(20);
    }

    @Test
    void aLateTick_isCountedPerSecond() {
        sampler.touch();
        clock.advance(Duration.ofSeconds(2));
        head.addAndGet(30);
        sampler.sample();

        assertThat(sampler.appended()).singleElement().satisfies(rate -> assertThat(rate.events()).isEqualTo(15));
    }

    @Test
    void samplesOnlyWhileSomeoneLookedInTheLastFiveMinutes() {
        // nobody looked: nothing is sampled
        secondsPass(10, 3);
        assertThat(sampler.appended()).isEmpty();

        // someone looks: it samples now and every second after
        sampler.touch();
        secondsPass(3, 3);
        assertThat(sampler.appended()).hasSize(3);

        // five minutes without a look: it forgets, and stops sampling
        clock.advance(Duration.ofMinutes(5));
        secondsPass(2, 3);
        assertThat(sampler.appended()).isEmpty();
    }

    @Test
    void appliedRate_ofEachGeneration_overTheLastTenSeconds() {
        sampler.touch();
        long active = 0;
        long rebuild = 0;
        for (int second = 0; second < 15; second++) {
            statuses.clear();
            statuses.add(status("notes", generation(1, active, 100, 100), generation(2, rebuild, 100_000, rebuild)));
            clock.advance(Duration.ofSeconds(1));
            sampler.sample();
            active += 2;
            rebuild += second < 3 ? 10_000 : 500;
        }

        assertThat(sampler.applied("notes", 1)).isEqualTo(2.0);
        assertThat(sampler.applied("notes", 2)).isEqualTo(500.0);
        assertThat(sampler.applied("notes", 3)).isNull();
    }

    @Test
    void appliedRate_startsOver_whenAGenerationsRunnerStartsAgain() {
        sampler.touch();
        statuses.add(status("notes", generation(1, 1_000, 0, 0), null));
        sampler.sample();
        clock.advance(Duration.ofSeconds(1));
        statuses.set(0, status("notes", generation(1, 3, 0, 0), null));
        sampler.sample();

        assertThat(sampler.applied("notes", 1)).isNull();
        clock.advance(Duration.ofSeconds(2));
        statuses.set(0, status("notes", generation(1, 13, 0, 0), null));
        sampler.sample();
        assertThat(sampler.applied("notes", 1)).isEqualTo(5.0);
    }

    @Test
    void remainingTime_ofARebuild_isWhatIsLeftOfItsTargetAtItsRate() {
        GenerationStatus rebuild = generation(2, 4_000, 10_000, 4_000);

        assertThat(OpsProjections.remainingSeconds(rebuild, 500.0)).isEqualTo(12);
        assertThat(OpsProjections.remainingSeconds(rebuild, 7.0)).isEqualTo(858); // 6000 / 7 rounded up
        assertThat(OpsProjections.remainingSeconds(rebuild, 0.0)).isNull();
        assertThat(OpsProjections.remainingSeconds(rebuild, null)).isNull();
        assertThat(OpsProjections.remainingSeconds(null, 500.0)).isNull();
        assertThat(OpsProjections.remainingSeconds(generation(2, 0, -1, 0), 500.0)).isNull();
    }
}
