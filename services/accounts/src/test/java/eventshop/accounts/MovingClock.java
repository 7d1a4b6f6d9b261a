package eventshop.accounts;

import eventshop.eventsourcing.testing.TestClock;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The shared accounts test context's {@code Clock}: the real time, moved ahead by the tests that need time to pass
 * (a block after failed logins ending) and never back, so that the limits, the tokens and the events all see the
 * same time while everything else sees time pass as usual.
 */
@TestConfiguration(proxyBeanMethods = false)
public class MovingClock {

    @Bean
    TestClock testClock() {
        return TestClock.followingRealTime();
    }
}
