package eventshop.eventsourcing.decider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ConflictBackoffTest {

    private final ConflictBackoff backoff = new ConflictBackoff(Duration.ofMillis(2), Duration.ofMillis(50));

    @Test
    void theCeiling_doublesFromInitial_upToMax() {
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(2));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofMillis(4));
        assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofMillis(32));
        assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofMillis(50));
        assertThat(backoff.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void theDelay_liesInTheUpperHalfOfTheCeiling_andVaries() {
        RandomGenerator random = new SplittableRandom(42);
        for (int conflicts = 1; conflicts <= 30; conflicts++) {
            Duration ceiling = backoff.ceiling(conflicts);
            java.util.Set<Duration> seen = new java.util.HashSet<>();
            for (int i = 0; i < 200; i++) {
                Duration delay = backoff.delay(conflicts, random);
                assertThat(delay).isBetween(ceiling.dividedBy(2), ceiling);
                seen.add(delay);
            }
            assertThat(seen).as("jitter after %d conflicts", conflicts).hasSizeGreaterThan(100);
        }
    }

    @Test
    void theDelay_reachesBothEndsOfItsRange() {
        RandomGenerator lowest = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public long nextLong(long bound) {
                return 0;
            }
        };
        RandomGenerator highest = new RandomGenerator() {
            @Override
            public long nextLong() {
                return Long.MAX_VALUE;
            }

            @Override
            public long nextLong(long bound) {
                return bound - 1;
            }
        };

        assertThat(backoff.delay(1, lowest)).isEqualTo(Duration.ofMillis(1));
        assertThat(backoff.delay(1, highest)).isEqualTo(Duration.ofMillis(2));
    }

    @Test
    void nonsense_isRefused() {
        assertThatThrownBy(() -> new ConflictBackoff(Duration.ZERO, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConflictBackoff(Duration.ofMillis(-1), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConflictBackoff(Duration.ofMillis(10), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backoff.ceiling(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
