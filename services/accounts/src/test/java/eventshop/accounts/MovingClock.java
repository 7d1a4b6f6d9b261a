package eventshop.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The real clock, moved ahead by the tests that need time to pass (a block after failed logins ending) and never
 * back; the shared context's {@code Clock}, so the limits, the tokens and the events all see the same time.
 */
public final class MovingClock extends Clock {

    private volatile Duration ahead = Duration.ZERO;

    public void moveAhead(Duration by) {
        ahead = ahead.plus(by);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(ahead);
    }

    @TestConfiguration(proxyBeanMethods = false)
    public static class Configuration {
        @Bean
        MovingClock movingClock() {
            return new MovingClock();
        }
    }
}
