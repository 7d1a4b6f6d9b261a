package eventshop.views.feed;

import eventshop.eventsourcing.projection.ProjectionStatus;
import eventshop.eventsourcing.projection.Projections;
import eventshop.views.model.Views;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The views as a topic projection of the starter's runtime: which topics ({@link ViewsProperties}),
 * which projection code ({@link Views}). The runtime reads the topics through the Kafka binder's brokers
 * and does the rest; its status, readiness and rebuild are those of every read model
 * ({@code /actuator/projections/views}), and the views' own admin API shows them in its shape.
 */
@Configuration(proxyBeanMethods = false)
class FeedConfiguration {

    @Bean
    Views views(ViewsProperties settings) {
        return new Views(settings.topics());
    }

    /** Hands a views database of the previous bookkeeping to the runtime before it starts. */
    @Bean
    LegacyFeedTables legacyFeedTables(Projections projections, JdbcTemplate jdbc) {
        return new LegacyFeedTables(projections, jdbc);
    }

    /**
     * The views' metrics as before the runtime ran them (the runtime adds {@code projection.lag} and
     * {@code projection.position}): {@code views.lag} (records on the topics the serving generation has
     * not applied yet), {@code views.records.applied} / {@code views.records.skipped} (by the serving
     * generation since start), {@code views.generation}, {@code views.rebuild.progress} (0..1, 1 when
     * none runs).
     */
    @Bean
    MeterBinder viewsMetrics(Projections projections) {
        return registry -> {
            Gauge.builder("views.lag", projections, p -> status(p).lag())
                    .description("records on the topics the serving views have not applied yet").register(registry);
            Gauge.builder("views.records.applied", projections, p -> status(p).active().processed())
                    .description("records the serving generation applied").register(registry);
            Gauge.builder("views.records.skipped", projections, p -> status(p).active().skipped())
                    .description("records the serving generation passed over as undecodable").register(registry);
            Gauge.builder("views.generation", projections, p -> status(p).active().generation()).register(registry);
            Gauge.builder("views.rebuild.progress", projections, p -> {
                ProjectionStatus.GenerationStatus rebuild = status(p).rebuild();
                return rebuild == null ? 1.0 : rebuild.progress();
            }).description("share of the topics a running rebuild has applied (1 when none runs)").register(registry);
        };
    }

    private static ProjectionStatus status(Projections projections) {
        return projections.status(Views.NAME);
    }
}
