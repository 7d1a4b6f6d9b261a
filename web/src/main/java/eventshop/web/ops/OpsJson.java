package eventshop.web.ops;

import eventshop.eventsourcing.web.InvalidField;
import eventshop.eventsourcing.web.Problems;
import eventshop.web.calls.NotFound;
import eventshop.web.ops.Correlations.Story;
import eventshop.web.ops.OpsApi.Breaker;
import eventshop.web.ops.OpsApi.Saga;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The console's joined JSON (docs/operations.md, "The joined endpoints"): web asks every service and joins the
 * answers. The admin's only ({@link OpsAccess}); errors are problems ({@link OpsProblems}).
 */
@RestController
@RequestMapping(path = OpsAccess.API, produces = MediaType.APPLICATION_JSON_VALUE)
class OpsJson {

    /** A service that did not answer, in place of its overview. */
    record Silent(String service, String error) {
    }

    /**
     * The overview: each service's overview (or a {@link Silent} one), edge's breakers ({@code breakersError} when
     * edge did not answer) and what is unhealthy, in words.
     */
    record OverviewAnswer(Instant at, List<Object> services, List<Breaker> breakers, @Nullable String breakersError,
                          List<String> unhealthy) {
    }

    private final OverviewFeed overviews;
    private final Correlations correlations;
    private final Sagas sagas;
    private final Ops ops;

    OpsJson(OverviewFeed overviews, Correlations correlations, Sagas sagas, Ops ops) {
        this.overviews = overviews;
        this.correlations = correlations;
        this.sagas = sagas;
        this.ops = ops;
    }

    @GetMapping("/overview")
    OverviewAnswer overview() {
        Overview overview = overviews.read();
        List<Object> services = overview.services().stream()
                .map(panel -> panel.overview() != null ? (Object) panel.overview()
                        : new Silent(panel.service(), panel.error()))
                .toList();
        Panel<List<Breaker>> breakers = overview.breakers();
        return new OverviewAnswer(overview.at(), services, breakers.value() == null ? List.of() : breakers.value(),
                breakers.error(), overview.unhealthy());
    }

    @GetMapping("/correlations/{correlationId}")
    Story correlation(@PathVariable String correlationId) {
        return correlations.of(correlationId);
    }

    @GetMapping("/sagas/stuck")
    List<Saga> stuck() {
        return ops.stuck();
    }

    @GetMapping("/sagas/{orderId}")
    SagaTimeline saga(@PathVariable String orderId) {
        return sagas.timeline(orderId);
    }

    /**
     * Any other path under {@code /api/ops} (edge sends web every one that is not a service's), whatever the method:
     * a 404 problem as the services answer, not Boot's error JSON (web has no problem handling of its own outside
     * its controllers).
     */
    @RequestMapping("/**")
    void noSuchOperation() {
        throw new NotFound("such operation of the console: it has /api/ops/overview, /api/ops/correlations/{id},"
                + " /api/ops/sagas/{orderId}, /api/ops/sagas?customer= and /api/ops/sagas/stuck");
    }

    @GetMapping("/sagas")
    ResponseEntity<?> sagasOf(@RequestParam(required = false) @Nullable String customer) {
        if (customer == null || customer.isBlank()) {
            return OpsProblems.answer(Problems.invalidFields(List.of(new InvalidField("customer", InvalidField.QUERY,
                    "is required: the customer id whose orders to list"))));
        }
        return ResponseEntity.ok(ops.sagasOf(customer.strip()));
    }
}
