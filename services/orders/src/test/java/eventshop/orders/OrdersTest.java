package eventshop.orders;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;

/**
 * The one Spring context the module's tests share: the whole service on the memory engine and an
 * in-memory H2, without a broker (no relay, no consumer binding: tests hand messages to the consumer beans
 * themselves), the deadline scheduler's thread off (tests poll it) and a {@link eventshop.eventsourcing.testing.TestClock} they move.
 * HTTP through MockMvc with the real security filters. Tests use their own order and customer ids.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = OrdersApplication.class, properties = {
        "spring.config.name=orders",
        "eventshop.eventstore.engine=memory",
        "spring.datasource.url=jdbc:h2:mem:orders-test;DB_CLOSE_DELAY=-1",
        "eventshop.relay.enabled=false",
        "spring.cloud.stream.function.autodetect=false",
        "spring.cloud.function.definition=",
        "eventshop.orders.deadline-scheduler=false",
        "eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=",
        "logging.level.org.apache.kafka=WARN"})
@AutoConfigureMockMvc
@Import(TestClocks.class)
public @interface OrdersTest {
}
