package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.RecordedEvent;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operations console's view of a service's log (docs/operations.md), admin only:
 * <ul>
 *   <li>{@code GET /api/ops/<service>/events}: the log explorer ({@link OpsLog#page});</li>
 *   <li>{@code GET .../events/<position>}: one event and its Kafka record ({@link OpsKafkaRecords});</li>
 *   <li>{@code POST .../events/<position>/unmask {"field": "/pointer"}}: one masked field's clear value, audited
 *       ({@link OpsLog#unmask});</li>
 *   <li>{@code GET .../streams/<stream id>?version=N&fromVersion=M}: a stream and its aggregate's state at a
 *       version ({@link OpsStreams});</li>
 *   <li>{@code GET .../correlations/<id>}: every event of a correlation, each with its Kafka record.</li>
 * </ul>
 * Thread-safe: it keeps no state of its own.
 */
@RestController
@RequestMapping(OpsAutoConfiguration.BASE_PATH)
@PreAuthorize("hasRole('ADMIN')")
public class OpsLogController {

    private final String service;
    private final OpsLog log;
    private final OpsStreams streams;
    private final OpsKafkaRecords records;

    public OpsLogController(String service, OpsLog log, OpsStreams streams, OpsKafkaRecords records) {
        this.service = service;
        this.log = log;
        this.streams = streams;
        this.records = records;
    }

    /**
     * An event and where the relay put it.
     *
     * @param record      its record on Kafka; null for an event the relay keeps private, has not sent yet, or that
     *                    the search did not find
     * @param recordError why the search may have missed the record (the broker could not be asked, a bound was
     *                    reached), else null
     */
    public record Relayed(OpsEvent event, OpsKafkaRecords.@Nullable KafkaRecord record, @Nullable String recordError) {
    }

    /** Every event of a correlation in this service's log, ascending by position. */
    public record Correlation(String service, String correlationId, List<Relayed> events) {
    }

    /** The body of an unmask. */
    public record UnmaskRequest(@Nullable String field) {
    }

    @GetMapping("/events")
    public OpsLog.Page events(@RequestParam(required = false) String after,
                              @RequestParam(required = false) String before,
                              @RequestParam(required = false) String limit,
                              @RequestParam(required = false) String stream,
                              @RequestParam(required = false) String type,
                              @RequestParam(required = false) String since,
                              @RequestParam(required = false) String until,
                              @RequestParam(required = false) String correlation) {
        return log.page(OpsLog.Query.parse(after, before, limit, stream, type, since, until, correlation));
    }

    @GetMapping("/events/{position}")
    public Relayed event(@PathVariable long position) {
        return relayed(List.of(log.event(position))).getFirst();
    }

    @PostMapping("/events/{position}/unmask")
    public OpsLog.Unmasked unmask(EdgeUser user, @PathVariable long position, @RequestBody UnmaskRequest request) {
        if (request.field() == null) {
            throw new InvalidRequest("field is required: the JSON pointer of a masked field");
        }
        return log.unmask(user, position, request.field());
    }

    @GetMapping("/streams/{streamId}")
    public OpsStreams.StreamView stream(@PathVariable String streamId, @RequestParam(required = false) Long version,
                                        @RequestParam(required = false) Long fromVersion) {
        return streams.view(streamId, version, fromVersion);
    }

    @GetMapping("/correlations/{id}")
    public Correlation correlation(@PathVariable String id) {
        return new Correlation(service, id, relayed(log.correlated(id)));
    }

    /** The events with their records: one Kafka search for all of them. */
    private List<Relayed> relayed(List<RecordedEvent> events) {
        OpsKafkaRecords.Found found = records.find(events);
        return events.stream().map(event -> {
            OpsKafkaRecords.KafkaRecord record = found.at(event.position());
            boolean missed = record == null && records.destinationOf(event).isPresent();
            return new Relayed(log.view(event), record, missed ? found.error() : null);
        }).toList();
    }
}
