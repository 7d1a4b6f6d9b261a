package eventshop.inventory;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.ContextConfiguration;

/**
 * The one Spring context the module's tests share: the whole service on the memory engine and an
 * in-memory H2, without a broker (no relay, no consumer binding: tests hand messages to the
 * consumer bean themselves), HTTP through MockMvc with the real security filters, and the catalog's
 * product look-up answered by {@link FakeCatalog}. Tests use their own skus and order ids, so they do not
 * see each other.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = InventoryApplication.class, properties = {
        "spring.config.name=inventory",
        "eventshop.eventstore.engine=memory",
        "spring.datasource.url=jdbc:h2:mem:inventory-test;DB_CLOSE_DELAY=-1",
        "eventshop.relay.enabled=false",
        "spring.cloud.stream.function.autodetect=false",
        "spring.cloud.function.definition=",
        "eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=",
        "logging.level.org.apache.kafka=WARN"})
@ContextConfiguration(initializers = FakeCatalog.class)
@AutoConfigureMockMvc
public @interface InventoryTest {
}
