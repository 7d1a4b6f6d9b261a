package eventshop.views;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.ContextConfiguration;

/**
 * The Spring context the module's tests share: the views service as views.yml configures it, on an
 * in-memory H2, reading the shared in-process broker's topics ({@link TestKafka}); HTTP through MockMvc
 * with the real security. Tests publish their own ids (the topics are shared, content accumulates).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = ViewsApplication.class, properties = {
        "spring.config.name=views",
        "spring.datasource.url=jdbc:h2:mem:views-test;DB_CLOSE_DELAY=-1",
        "eventshop.eventstore.engine=memory",
        "eventshop.security.token-secret=" + TestKafka.SECRET,
        "eventshop.consistency.max-wait=1s",
        "eventshop.projections.drop-after=200ms",
        "logging.level.org.apache.kafka=WARN", "logging.level.kafka=WARN", "logging.level.state.change.logger=WARN"})
@AutoConfigureMockMvc
@ContextConfiguration(initializers = TestKafka.Initializer.class)
public @interface ViewsTest {
}
