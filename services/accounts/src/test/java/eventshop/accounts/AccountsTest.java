package eventshop.accounts;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.ContextConfiguration;

/**
 * The one Spring context every accounts integration test shares: in-memory event store, in-memory
 * H2, no Kafka relay and no consumer binding (tests hand messages to the consumer bean), the test token secret,
 * an administrator ensured at start, payments played by {@link PaymentsStub}, and a {@link MovingClock}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = {AccountsApplication.class, MovingClock.class}, properties = {
        "spring.config.name=accounts",
        "eventshop.eventstore.engine=memory",
        "spring.datasource.url=jdbc:h2:mem:accounts-test;DB_CLOSE_DELAY=-1",
        "eventshop.relay.enabled=false",
        "spring.cloud.function.definition=",
        "eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=",
        "eventshop.privacy.master-key=" + AccountsTest.MASTER_KEY,
        "eventshop.accounts.admin.email=" + AccountsTest.ADMIN_EMAIL,
        "eventshop.accounts.admin.password=" + AccountsTest.ADMIN_PASSWORD,
})
@AutoConfigureMockMvc
@ContextConfiguration(initializers = PaymentsStub.Initializer.class)
public @interface AccountsTest {
    String ADMIN_EMAIL = "admin@example.com";
    String ADMIN_PASSWORD = "admin-password-for-tests";
    /** The test master key (32 bytes, base64). */
    String MASTER_KEY = "ZXZlbnRzaG9wLXRlc3QtbWFzdGVyLWtleS0zMi1ieXQ=";
}
