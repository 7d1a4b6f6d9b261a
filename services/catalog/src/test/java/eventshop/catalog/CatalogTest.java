package eventshop.catalog;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The catalog as it runs, on a random port, with the in-memory event store, an in-memory H2 read
 * model and no broker (no relay, the consumer not bound: tests hand it messages). Every test class
 * carrying this annotation shares one context, so tests use their own skus.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = CatalogApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.config.name=catalog",
                "eventshop.eventstore.engine=memory",
                "spring.datasource.url=jdbc:h2:mem:catalog-test;DB_CLOSE_DELAY=-1",
                "eventshop.relay.enabled=false",
                "spring.cloud.function.definition=",
                "spring.cloud.stream.function.autodetect=false",
                "eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=",
                "logging.level.org.apache.kafka=WARN"})
public @interface CatalogTest {
}
