package eventshop.web.ops;

import eventshop.web.ops.OpsApi.Correlation;
import eventshop.web.ops.OpsApi.Event;
import eventshop.web.ops.OpsApi.EventRecord;
import eventshop.web.ops.OpsApi.KafkaRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * One request's whole story: every event with the same correlation id in every service's log, asked of all
 * services at the same time and merged in time order (then by service and position, for events recorded in the
 * same instant). A service that does not answer is listed with its error; the others' events are still shown.
 */
@Component
public class Correlations {

    /** An event of a correlation, with the service whose log holds it and its Kafka record (null if none). */
    public record Correlated(String service, long position, Event event, @Nullable KafkaRecord record) {
    }

    public record ServiceError(String service, String error) {
    }

    /** The merged events, and the services that could not be asked. */
    public record Story(String correlationId, List<Correlated> events, List<ServiceError> errors) {
    }

    static final Comparator<Correlated> IN_TIME_ORDER = Comparator
            .comparing((Correlated correlated) -> correlated.event().recordedAt())
            .thenComparing(Correlated::service).thenComparingLong(Correlated::position);

    private final Ops ops;

    public Correlations(Ops ops) {
        this.ops = ops;
    }

    /** Every service's events of {@code correlationId}, in time order. */
    public Story of(String correlationId) {
        return merged(correlationId, ops.fromEvery(service -> ops.correlation(service, correlationId)));
    }

    static Story merged(String correlationId, List<Panel<Correlation>> answers) {
        List<Correlated> events = new ArrayList<>();
        List<ServiceError> errors = new ArrayList<>();
        for (Panel<Correlation> answer : answers) {
            if (answer.value() == null) {
                errors.add(new ServiceError(answer.service(), answer.error()));
                continue;
            }
            for (EventRecord found : answer.value().events()) {
                events.add(new Correlated(answer.service(), found.event().position(), found.event(), found.record()));
            }
        }
        events.sort(IN_TIME_ORDER);
        return new Story(correlationId, List.copyOf(events), List.copyOf(errors));
    }
}
