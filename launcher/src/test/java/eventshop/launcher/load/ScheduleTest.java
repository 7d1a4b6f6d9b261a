package eventshop.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The open-loop schedule ({@link Schedule}) on a fake clock. */
class ScheduleTest {

    /** A clock that moves only when the schedule parks, and then by the delay given for that slot too. */
    private static final class FakeClock implements Schedule.Clock {
        long now = 1_000_000_000L;
        final Map<Integer, Long> delayAtPark;
        int parks;

        FakeClock(Map<Integer, Long> delayAtPark) {
            this.delayAtPark = delayAtPark;
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void parkUntil(long deadline) {
            now = Math.max(now, deadline) + delayAtPark.getOrDefault(parks++, 0L);
        }
    }

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void slotsAreDueAtFixedTimes_andAStartThatRunsLateNeitherShiftsTheLaterSlots_norIsHidden() throws Exception {
        // given 10 slots/s, and the fourth slot's start held up 250 ms (as a busy machine would)
        FakeClock clock = new FakeClock(Map.of(3, 250 * MS));
        Schedule schedule = new Schedule(clock, 10, 8, Duration.ofMillis(10));
        List<Schedule.Slot> slots = new ArrayList<>();
        List<Long> startedAt = new ArrayList<>();

        // when every start is reported the moment its slot is handed over
        schedule.run(slot -> {
            slots.add(slot);
            startedAt.add(clock.nanoTime());
            schedule.started(slot, clock.nanoTime());
        });

        // then the slots are due at origin + i × 100 ms, whatever happened before them
        long origin = schedule.origin();
        assertThat(slots).extracting(Schedule.Slot::due)
                .containsExactly(origin, origin + 100 * MS, origin + 200 * MS, origin + 300 * MS, origin + 400 * MS,
                        origin + 500 * MS, origin + 600 * MS, origin + 700 * MS);
        // slot 3 started 250 ms late; slots 4 and 5 came due meanwhile and start at once, late too; slot 6 is on time
        assertThat(startedAt.get(4)).isEqualTo(origin + 550 * MS);
        assertThat(startedAt.get(5)).isEqualTo(origin + 550 * MS);
        assertThat(startedAt.get(6)).isEqualTo(origin + 600 * MS);
        assertThat(schedule.late()).isEqualTo(3);
        assertThat(schedule.startedCount()).isEqualTo(8);
        assertThat(schedule.lateness().getMaxValue()).isBetween(249_000L, 251_000L);
        assertThat(schedule.lateness().getTotalCount()).isEqualTo(8);
    }

    @Test
    void aStartWithinTheTolerance_isNotLate_butItsLatenessIsRecorded() throws Exception {
        // given a tolerance of 10 ms
        FakeClock clock = new FakeClock(Map.of());
        Schedule schedule = new Schedule(clock, 100, 3, Duration.ofMillis(10));
        List<Schedule.Slot> slots = new ArrayList<>();
        schedule.run(slots::add);

        // when the checkouts' first requests go out 10 ms, 11 ms and 0 ms after their slots
        schedule.started(slots.get(0), slots.get(0).due() + 10 * MS);
        schedule.started(slots.get(1), slots.get(1).due() + 11 * MS);
        schedule.started(slots.get(2), slots.get(2).due());

        // then only the one past the tolerance is late; all three are in the lateness histogram
        assertThat(schedule.late()).isEqualTo(1);
        assertThat(schedule.lateness().getTotalCount()).isEqualTo(3);
        assertThat(schedule.lateness().getMaxValue()).isBetween(10_990L, 11_010L);
    }

    @Test
    void theSlotsFollowTheRateWithoutDrift_overManySlots() throws Exception {
        // given 3 slots/s (a period that is no whole number of nanoseconds)
        FakeClock clock = new FakeClock(Map.of());
        Schedule schedule = new Schedule(clock, 3, 301, Duration.ZERO);
        List<Schedule.Slot> slots = new ArrayList<>();

        // when it runs
        schedule.run(slots::add);

        // then slot 300 is due exactly 100 s after the first
        assertThat(slots.getLast().due() - slots.getFirst().due()).isEqualTo(TimeUnit.SECONDS.toNanos(100));
    }
}
