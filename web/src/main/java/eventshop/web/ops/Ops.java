package eventshop.web.ops;

import eventshop.eventsourcing.calls.ServiceCalls;
import eventshop.eventsourcing.calls.ServiceClient;
import eventshop.eventsourcing.calls.ServiceUnavailable;
import eventshop.web.calls.Concurrently;
import eventshop.web.calls.NotFound;
import eventshop.web.calls.Refused;
import eventshop.web.calls.Replies;
import eventshop.web.ops.OpsApi.Breaker;
import eventshop.web.ops.OpsApi.Confirm;
import eventshop.web.ops.OpsApi.Correlation;
import eventshop.web.ops.OpsApi.Discard;
import eventshop.web.ops.OpsApi.Event;
import eventshop.web.ops.OpsApi.EventPage;
import eventshop.web.ops.OpsApi.EventRecord;
import eventshop.web.ops.OpsApi.Field;
import eventshop.web.ops.OpsApi.ParkedTopic;
import eventshop.web.ops.OpsApi.Projection;
import eventshop.web.ops.OpsApi.RebuildPlan;
import eventshop.web.ops.OpsApi.Replicas;
import eventshop.web.ops.OpsApi.ReplayAll;
import eventshop.web.ops.OpsApi.ReplayJob;
import eventshop.web.ops.OpsApi.ReplayOne;
import eventshop.web.ops.OpsApi.Saga;
import eventshop.web.ops.OpsApi.ServiceOverview;
import eventshop.web.ops.OpsApi.StreamView;
import eventshop.web.ops.OpsApi.Unmasked;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The operations console's calls (docs/operations.md): every service's {@code /api/ops/<service>/...}, orders'
 * sagas and edge's breakers ({@code /internal/ops/breakers}), each made as the admin: {@link ServiceCalls} relays
 * the services token edge minted for the page's request (or, for a live stream's poll, the token of the request
 * that opened it). Reads return what they read and throw {@link NotFound} or {@link Refused}; a service that does
 * not answer is {@code ServiceUnavailable}. {@link #fromEvery} asks every service at the same time and turns each
 * failure into its {@link Panel}'s error, so that one silent service never hides the others. Thread-safe.
 */
@Component
public class Ops {

    /** Edge's name among the configured service URLs ({@code eventshop.services.edge.url}). */
    public static final String EDGE = "edge";
    static final String ORDERS = "orders";

    private final ServiceCalls calls;
    private final Concurrently concurrently;
    private final List<String> services;

    public Ops(ServiceCalls calls, Concurrently concurrently, OpsProperties properties) {
        this.calls = calls;
        this.concurrently = concurrently;
        this.services = properties.services();
    }

    /** The services with a log, in the console's order. */
    public List<String> services() {
        return services;
    }

    /**
     * {@code service}, if the console knows it.
     *
     * @throws NotFound otherwise (no call is made to a name typed into an address)
     */
    public String known(String service) {
        if (!services.contains(service)) {
            throw new NotFound("service " + service);
        }
        return service;
    }

    // ---- every service at once

    /** {@code call} for every service, all at the same time; each answer or failure in its panel, in order. */
    public <T> List<Panel<T>> fromEvery(Function<String, T> call) {
        Map<String, CompletableFuture<T>> started = new LinkedHashMap<>();
        for (String service : services) {
            started.put(service, concurrently.start(() -> call.apply(service)));
        }
        List<Panel<T>> panels = new ArrayList<>(started.size());
        started.forEach((service, answer) -> panels.add(panel(service, answer)));
        return panels;
    }

    /** Starts {@code call} on a thread of its own, as the caller (for a page's other calls). */
    public <T> CompletableFuture<T> start(Supplier<T> call) {
        return concurrently.start(call);
    }

    /** The answer of a started call, or what failed, as the panel of {@code service}. */
    public static <T> Panel<T> panel(String service, CompletableFuture<T> started) {
        try {
            return Panel.of(service, Concurrently.await(started));
        } catch (RuntimeException failed) {
            return Panel.failed(service, failure(failed));
        }
    }

    /** A failure in words for a panel: the service's own words where it gave some. */
    public static String failure(RuntimeException failed) {
        return switch (failed) {
            case ServiceUnavailable unavailable -> unavailable.getMessage();
            case Refused refused -> refused.detail() + " (" + refused.status() + ")";
            case NotFound missing -> "no " + missing.getMessage();
            default -> "could not be read: " + failed.getMessage();
        };
    }

    // ---- the overview

    public ServiceOverview overview(String service) {
        return Replies.read(client(service).get("/api/ops/{service}/overview", ServiceOverview.class, service),
                "overview of " + service);
    }

    /** Edge's circuit breakers, one per route. */
    public List<Breaker> breakers() {
        return Arrays.asList(Replies.read(client(EDGE).get("/internal/ops/breakers", Breaker[].class),
                "edge's breakers"));
    }

    // ---- the log

    /** The log explorer's filters and cursor; a blank filter is not sent. */
    public record LogQuery(@Nullable Long after, @Nullable Long before, @Nullable Integer limit, @Nullable String stream,
                           @Nullable String type, @Nullable String since, @Nullable String until,
                           @Nullable String correlation) {
    }

    public EventPage events(String service, LogQuery query) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromPath("/api/ops/{service}/events");
        List<Object> variables = new ArrayList<>(List.of(service));
        Map<String, @Nullable Object> parameters = new LinkedHashMap<>();
        parameters.put("after", query.after());
        parameters.put("before", query.before());
        parameters.put("limit", query.limit());
        parameters.put("stream", query.stream());
        parameters.put("type", query.type());
        parameters.put("since", query.since());
        parameters.put("until", query.until());
        parameters.put("correlation", query.correlation());
        parameters.forEach((name, value) -> {
            if (value != null && !value.toString().isBlank()) {
                uri.queryParam(name, "{" + name + "}");
                variables.add(value.toString().strip());
            }
        });
        return Replies.read(client(service).get(uri.build().toUriString(), EventPage.class, variables.toArray()),
                "log of " + service);
    }

    public EventRecord event(String service, long position) {
        return Replies.read(client(service).get("/api/ops/{service}/events/{position}", EventRecord.class, service,
                position), "event " + position + " in the log of " + service);
    }

    /** The clear value of one masked field of one event (an audited action at the service). */
    public Unmasked unmask(String service, long position, String field) {
        return Replies.read(client(service).post("/api/ops/{service}/events/{position}/unmask", new Field(field),
                Unmasked.class, service, position), "event " + position + " in the log of " + service);
    }

    /** A stream and its aggregate's state at {@code version} (the last when null). */
    public StreamView stream(String service, String streamId, @Nullable Long version) {
        ServiceClient client = client(service);
        String what = "stream " + streamId + " in " + service + "'s log";
        return Replies.read(version == null
                ? client.get("/api/ops/{service}/streams/{stream}", StreamView.class, service, streamId)
                : client.get("/api/ops/{service}/streams/{stream}?version={version}", StreamView.class, service,
                streamId, version), what);
    }

    public Correlation correlation(String service, String correlationId) {
        return Replies.read(client(service).get("/api/ops/{service}/correlations/{id}", Correlation.class, service,
                correlationId), "correlation " + correlationId + " in " + service);
    }

    /** The newest audit events ({@code OpsActionTaken}), newest first. */
    public List<Event> audit(String service, int limit) {
        return Arrays.asList(Replies.read(client(service).get("/api/ops/{service}/audit?limit={limit}", Event[].class,
                service, limit), "audit of " + service));
    }

    // ---- read models

    public List<Projection> projections(String service) {
        return Arrays.asList(Replies.read(client(service).get("/api/ops/{service}/projections", Projection[].class,
                service), "read models in " + service));
    }

    public Replicas replicas(String service, String name) {
        return Replies.read(client(service).get("/api/ops/{service}/projections/{name}/replicas", Replicas.class,
                service, name), "read model " + name + " in " + service);
    }

    public RebuildPlan rebuildPlan(String service, String name) {
        return Replies.read(client(service).get("/api/ops/{service}/projections/{name}/rebuild", RebuildPlan.class,
                service, name), "read model " + name + " in " + service);
    }

    /**
     * Starts a rebuild that replays {@code events} (what the confirmation said).
     *
     * @return the generation that was active when it started (the one the rebuild's generation replaces), 0 if the
     *         service did not say
     */
    public int rebuild(String service, String name, long events) {
        Projection started = Replies.accepted(client(service).post("/api/ops/{service}/projections/{name}/rebuild",
                new Confirm(events), Projection.class, service, name)).body();
        return started == null || started.active() == null ? 0 : started.active().generation();
    }

    // ---- parked messages

    public List<ParkedTopic> parked(String service) {
        return Arrays.asList(Replies.read(client(service).get("/api/ops/{service}/parked", ParkedTopic[].class,
                service), "dead-letter topics in " + service));
    }

    public void replay(String service, String id) {
        Replies.accepted(client(service).post("/api/ops/{service}/parked/replay", new ReplayOne(id), Object.class,
                service));
    }

    public ReplayJob replayAll(String service, ReplayAll replay) {
        return Replies.read(client(service).post("/api/ops/{service}/parked/replay-all", replay, ReplayJob.class,
                service), "topic " + replay.topic() + " in " + service);
    }

    public ReplayJob job(String service, String id) {
        return Replies.read(client(service).get("/api/ops/{service}/parked/jobs/{id}", ReplayJob.class, service, id),
                "replay job " + id + " in " + service);
    }

    public void stopJob(String service, String id) {
        Replies.accepted(client(service).post("/api/ops/{service}/parked/jobs/{id}/stop", null, Object.class, service,
                id));
    }

    public void discard(String service, String id, String reason) {
        Replies.accepted(client(service).post("/api/ops/{service}/parked/discard", new Discard(id, reason),
                Object.class, service));
    }

    // ---- orders' sagas

    /** A customer's orders, newest first. */
    public List<Saga> sagasOf(String customerId) {
        return Arrays.asList(Replies.read(client(ORDERS).get("/api/ops/orders/sagas?customer={customer}", Saga[].class,
                customerId), "orders of customer " + customerId));
    }

    /** The orders in a non-terminal state for longer than their deadline. */
    public List<Saga> stuck() {
        return Arrays.asList(Replies.read(client(ORDERS).get("/api/ops/orders/sagas/stuck", Saga[].class),
                "stuck orders"));
    }

    // ----

    private ServiceClient client(String service) {
        return calls.client(service);
    }
}
