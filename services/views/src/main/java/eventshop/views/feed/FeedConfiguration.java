package eventshop.views.feed;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.consuming.KafkaClientSettings;
import javax.sql.DataSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The feed and its readiness: the broker is the Kafka binder's ({@code spring.cloud.stream.kafka.binder.brokers}). */
@Configuration(proxyBeanMethods = false)
class FeedConfiguration {

    @Bean
    ViewFeed viewFeed(ViewsProperties settings, Environment environment, DataSource dataSource,
                      ReadYourWrites readYourWrites) {
        return new ViewFeed(settings, KafkaClientSettings.of(environment), new JdbcTemplate(dataSource),
                new TransactionTemplate(new JdbcTransactionManager(dataSource)), readYourWrites);
    }

    /** {@code views} health: OUT_OF_SERVICE until the serving generation has read every partition to its end once. */
    @Bean("views")
    HealthIndicator viewsHealth(ViewFeed feed) {
        return () -> {
            ViewFeed.FeedStatus status = feed.status();
            Health.Builder health = feed.caughtUp() ? Health.up() : Health.outOfService();
            return health.withDetail("generation", status.generation()).withDetail("state", status.state())
                    .withDetail("lag", status.lag()).build();
        };
    }

    /**
     * The feed as metrics (DESIGN §8, projection lag): {@code views.lag} (records on the topics the serving
     * generation has not applied yet), {@code views.records.applied} / {@code views.records.skipped} (by the
     * serving generation), {@code views.generation}, {@code views.rebuild.progress} (0..1, 1 when none runs).
     */
    @Bean
    MeterBinder viewsMetrics(ViewFeed feed) {
        return registry -> {
            Gauge.builder("views.lag", feed, f -> f.status().lag())
                    .description("records on the topics the serving views have not applied yet").register(registry);
            Gauge.builder("views.records.applied", feed, f -> f.status().records())
                    .description("records the serving generation applied").register(registry);
            Gauge.builder("views.records.skipped", feed, f -> f.status().skipped())
                    .description("records the serving generation passed over as undecodable").register(registry);
            Gauge.builder("views.generation", feed, f -> f.status().generation()).register(registry);
            Gauge.builder("views.rebuild.progress", feed, f -> {
                ViewFeed.Rebuild rebuild = f.status().rebuild();
                return rebuild == null ? 1.0 : rebuild.progress();
            }).description("share of the topics a running rebuild has applied (1 when none runs)").register(registry);
        };
    }
}
