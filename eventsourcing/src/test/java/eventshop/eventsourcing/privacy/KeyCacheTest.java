package eventshop.eventsourcing.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KeyCacheTest {

    private Instant now = Instant.parse("2026-12-07T12:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final SecretKey key = new SecretKeySpec(new byte[32], "AES");

    @Test
    void aKey_isKeptForItsTimeOnly() {
        KeyCache cache = new KeyCache(Duration.ofMinutes(5), clock, 10);
        cache.put("s-1", key);

        now = now.plus(Duration.ofMinutes(4));
        assertThat(cache.get("s-1")).contains(key);
        now = now.plus(Duration.ofMinutes(1));
        assertThat(cache.get("s-1")).isEmpty();
    }

    @Test
    void aDroppedKey_isGoneAtOnce() {
        KeyCache cache = new KeyCache(Duration.ofMinutes(5), clock, 10);
        cache.put("s-1", key);

        cache.drop("s-1");

        assertThat(cache.get("s-1")).isEmpty();
    }

    @Test
    void itIsBounded_andAZeroTimeKeepsNothing() {
        KeyCache cache = new KeyCache(Duration.ofMinutes(5), clock, 2);
        cache.put("s-1", key);
        cache.put("s-2", key);
        cache.put("s-3", key);
        assertThat(cache.get("s-1")).isEmpty();
        assertThat(cache.get("s-3")).contains(key);

        KeyCache none = new KeyCache(Duration.ZERO, clock, 2);
        none.put("s-1", key);
        assertThat(none.get("s-1")).isEmpty();
    }
}
