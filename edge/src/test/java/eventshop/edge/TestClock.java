package eventshop.edge;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** The real clock, moved ahead by a test (for idle sessions) and back again. */
final class TestClock extends Clock {

    private volatile Duration ahead = Duration.ZERO;

    void moveAhead(Duration by) {
        ahead = ahead.plus(by);
    }

    void reset() {
        ahead = Duration.ZERO;
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
    static class Configuration {
        @Bean
        TestClock testClock() {
            return new TestClock();
        }
    }
}
