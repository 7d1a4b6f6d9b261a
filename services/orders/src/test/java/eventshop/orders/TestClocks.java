package eventshop.orders;

import eventshop.eventsourcing.testing.TestClock;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Replaces the starter's system clock with the test kit's {@link TestClock}, which tests move by hand. */
@TestConfiguration(proxyBeanMethods = false)
public class TestClocks {

    @Bean
    public TestClock clock() {
        return new TestClock();
    }
}
