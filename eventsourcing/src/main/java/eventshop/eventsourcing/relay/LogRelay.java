package eventshop.eventsourcing.relay;

import eventshop.eventsourcing.leadership.Leadership;
import eventshop.eventsourcing.leadership.NotLeading;
import eventshop.eventsourcing.leadership.SoleInstance;
import eventshop.eventsourcing.ops.OpsAudit;
import eventshop.eventsourcing.schema.Upcasters;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The log relay: follows the service's own event store from its checkpoint and publishes every
 * event, in position order, to the service's Kafka topic. The log is the outbox, so there is no
 * dual write: an event is stored once, by the command, and the relay copies the log.
 *
 * <p>How it keeps its promises:
 * <ul>
 *   <li><b>No loss.</b> The checkpoint only ever takes a position up to which the broker has
 *       acknowledged every event ({@link AckWindow}); after a crash or restart the relay resumes
 *       after the saved checkpoint, re-publishing what was acknowledged since (at-least-once:
 *       consumers deduplicate by event id).</li>
 *   <li><b>Per-key order.</b> Events are handed to an idempotent producer in position order by one
 *       thread; with {@code max.in.flight.requests.per.connection <= 5} and a delivery timeout
 *       that does not expire during an outage, the producer retries without reordering. After a
 *       failed send the relay waits until everything in flight has settled before it starts
 *       again from the checkpoint, so a new copy never overtakes an old one.</li>
 *   <li><b>Throughput.</b> Sends are pipelined: up to {@code maxInFlight} events are in flight,
 *       and each acknowledgement lets one more through (Reactor demand), instead of waiting for
 *       each send.</li>
 *   <li><b>Outages.</b> A broker outage shows as acknowledgements that stop coming: the relay
 *       pauses (its window is full), logs one WARN, and resumes by itself; failed sends are retried
 *       from the checkpoint with exponential backoff.</li>
 *   <li><b>Once per service.</b> Only the instance that leads the service's {@link Leadership} role
 *       relays; the others stand by ({@link State#STANDBY}) and the one that takes over resumes after the
 *       shared checkpoint. The leader asks {@link Leadership#leading()} before each send, and its checkpoint
 *       writes are fenced ({@link JdbcRelayCheckpoints}), so a deposed leader neither sends on nor moves the
 *       checkpoint.</li>
 * </ul>
 *
 * <p>Thread-safe. Events are sent from one relay thread; acknowledgements arrive on producer
 * threads; a supervisor thread saves checkpoints, watches for stalls and restarts after failures.
 */
public final class LogRelay implements SmartLifecycle, RelayPublisher.Listener {

    /** What the relay is doing. */
    public enum State {
        /** Not started, or stopped. */
        STOPPED,
        /** Started, but another instance of the service leads and relays; this one takes over if it goes. */
        STANDBY,
        /** Publishing (or waiting for new events). */
        RUNNING,
        /** Events are in flight but the broker has not acknowledged any for the stall timeout. */
        PAUSED,
        /** A send failed; waiting to start again from the checkpoint. */
        RETRYING
    }

    /**
     * A snapshot of the relay for the {@code relay} actuator endpoint.
     *
     * @param position   every event up to here is acknowledged by the broker (-1: none yet)
     * @param checkpoint the last saved position (what a restart resumes after)
     * @param head       the event store's last position
     * @param lag        events not yet acknowledged: head - position
     * @param inFlight   events sent and not yet settled
     * @param lastError  the last send error (null if none), with {@code lastErrorAt}
     */
    public record Status(String relay, String topic, State state, long position, long checkpoint, long head,
                         long lag, int inFlight, long published, String lastError, Instant lastErrorAt) {
    }

    private static final Logger log = LoggerFactory.getLogger(LogRelay.class);

    private final String name;
    private final String topic;
    private final EventStore store;
    private final RelayPublisher publisher;
    private final RelayCheckpoints checkpoints;
    private final RelayProperties settings;
    private final RelayRoutes routes;
    private final Counter published;
    private final Leadership leadership;
    private final Upcasters upcasters;

    private final Object lock = new Object();
    private final AckWindow window = new AckWindow(-1);
    private long lastProgressNanos;

    private volatile boolean running;
    private volatile boolean started;
    private Leadership.Registration registration;
    private volatile State state = State.STOPPED;
    private volatile long saved = -1;
    private volatile boolean outage;
    private volatile long outageStartNanos;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile Session session;
    private volatile boolean publishing;
    private Thread supervisor;
    private Scheduler sender;

    /**
     * @param name        the relay's name: its checkpoint key and meter tag
     * @param topic       the topic the binding publishes to (for status and logs)
     */
    public LogRelay(String name, String topic, EventStore store, RelayPublisher publisher,
                    RelayCheckpoints checkpoints, RelayProperties settings, MeterRegistry registry) {
        this(name, topic, store, publisher, checkpoints, settings, RelayRoutes.EVENTS, registry);
    }

    /**
     * @param name        the relay's name: its checkpoint key and meter tag
     * @param topic       the topic the binding publishes to (for status and logs)
     * @param routes      where each event goes ({@link RelayRoutes#EVENTS}: all to {@code topic})
     */
    public LogRelay(String name, String topic, EventStore store, RelayPublisher publisher,
                    RelayCheckpoints checkpoints, RelayProperties settings, RelayRoutes routes,
                    MeterRegistry registry) {
        this(name, topic, store, publisher, checkpoints, settings, routes, registry, new SoleInstance("relay"));
    }

    /**
     * @param name        the relay's name: its checkpoint key and meter tag
     * @param topic       the topic the binding publishes to (for status and logs)
     * @param routes      where each event goes ({@link RelayRoutes#EVENTS}: all to {@code topic})
     * @param leadership  the service's role: the relay runs only while this instance leads it
     */
    public LogRelay(String name, String topic, EventStore store, RelayPublisher publisher,
                    RelayCheckpoints checkpoints, RelayProperties settings, RelayRoutes routes,
                    MeterRegistry registry, Leadership leadership) {
        this(name, topic, store, publisher, checkpoints, settings, routes, registry, leadership, Upcasters.published());
    }

    /**
     * @param name        the relay's name: its checkpoint key and meter tag
     * @param topic       the topic the binding publishes to (for status and logs)
     * @param routes      where each event goes ({@link RelayRoutes#EVENTS}: all to {@code topic})
     * @param leadership  the service's role: the relay runs only while this instance leads it
     * @param upcasters   the schema histories of what it publishes: an event stored in an older version is
     *                    published as the current one ({@link #published})
     */
    public LogRelay(String name, String topic, EventStore store, RelayPublisher publisher,
                    RelayCheckpoints checkpoints, RelayProperties settings, RelayRoutes routes,
                    MeterRegistry registry, Leadership leadership, Upcasters upcasters) {
        this.upcasters = java.util.Objects.requireNonNull(upcasters, "upcasters");
        this.leadership = java.util.Objects.requireNonNull(leadership, "leadership");
        this.routes = java.util.Objects.requireNonNull(routes, "routes");
        this.name = name;
        this.topic = topic;
        this.store = store;
        this.publisher = publisher;
        this.checkpoints = checkpoints;
        this.settings = settings;
        this.published = Counter.builder("relay.events.published").tag("relay", name)
                .description("events the broker acknowledged").register(registry);
        Gauge.builder("relay.position", this, LogRelay::position).tag("relay", name)
                .description("every event up to this log position is acknowledged by the broker").register(registry);
        Gauge.builder("relay.lag", this, relay -> relay.status().lag()).tag("relay", name)
                .description("events in the log not yet acknowledged by the broker").register(registry);
        Gauge.builder("relay.in.flight", this, relay -> relay.inFlight()).tag("relay", name)
                .register(registry);
        publisher.listen(this);
    }

    // ---- lifecycle

    /** Starts relaying when this instance leads the service's role (at once, for a sole instance). */
    @Override
    public void start() {
        Leadership.Registration registered;
        synchronized (lock) {
            if (started) {
                return;
            }
            started = true;
            state = State.STANDBY;
        }
        // registered outside the lock: the leadership calls back into startRelaying/stopRelaying
        registered = leadership.run("the relay of " + name, new Leadership.Work() {
            @Override
            public void lead() {
                startRelaying();
            }

            @Override
            public void standBy() {
                stopRelaying();
            }
        });
        synchronized (lock) {
            registration = registered;
        }
    }

    /** Stops relaying (letting in-flight sends settle and saving the checkpoint) and leaves the role's work. */
    @Override
    public void stop() {
        Leadership.Registration registered;
        synchronized (lock) {
            if (!started) {
                return;
            }
            started = false;
            registered = registration;
            registration = null;
        }
        if (registered != null) {
            registered.close();
        }
        stopRelaying();
        state = State.STOPPED;
    }

    private void startRelaying() {
        synchronized (lock) {
            if (running) {
                return;
            }
            long checkpoint = checkpoints.load(name);
            saved = checkpoint;
            window.restart(checkpoint);
            running = true;
            state = State.RUNNING;
            sender = Schedulers.newSingle("eventshop-relay-send-" + name, true);
            supervisor = Thread.ofPlatform().daemon().name("eventshop-relay-" + name).unstarted(this::supervise);
            supervisor.start();
            log.info("Relay {} started after position {} to topic {}", name, checkpoint, topic);
        }
    }

    private void stopRelaying() {
        Thread thread;
        synchronized (lock) {
            if (!running) {
                return;
            }
            running = false;
            thread = supervisor;
        }
        endSession(null);
        thread.interrupt();
        join(thread);
        // let the send in progress return, then the acknowledgements come in; a send stuck in the
        // producer (no broker metadata) is interrupted when the time is up
        long deadline = System.nanoTime() + settings.stopTimeout().toNanos();
        while (publishing && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        if (!publishing) {
            awaitSettled(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        sender.dispose();
        saveCheckpoint();
        state = started ? State.STANDBY : State.STOPPED;
        log.info("Relay {} stopped at position {} (checkpoint {})", name, position(), saved);
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    /** Late start, early stop: after the binder is ready, before it goes. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2000;
    }

    // ---- routing

    /**
     * Where this relay sends {@code event}: {@link RelayRoutes.Route#skip} for a type listed in
     * {@code eventshop.relay.private-types} and for the audit stream ({@link OpsAudit#isAudit}), else what the
     * service's {@link RelayRoutes} answer. Pure: the same event always gets the same route.
     */
    public RelayRoutes.Route route(RecordedEvent event) {
        return settings.privateTypes().contains(event.type()) || OpsAudit.isAudit(event) ? RelayRoutes.Route.skip()
                : routes.route(event);
    }

    /**
     * What the relay publishes for a stored event routed to its events topic: the current schema version of
     * its type (upcast when it was stored in an older one, with the {@code schema-version} header saying so),
     * so a consumer needs to know only the versions published since its topic began, never the
     * publisher's storage history. An event stored by newer code than this (a rolling deploy) is published
     * as stored, with its own version.
     *
     * @throws eventshop.eventsourcing.schema.NoUpcastPath if it is stored in a version nothing leads up from
     */
    public RecordedEvent published(RecordedEvent event) {
        return upcasters.toCurrent(event);
    }

    /** A message a route made of {@code event}: the route's type and data, in that type's current version. */
    private RecordedEvent translatedTo(RecordedEvent event, String type, byte[] data) {
        int version = Math.max(1, upcasters.currentVersion(type));
        return new RecordedEvent(event.eventId(), event.streamId(), event.version(), event.position(), type, data,
                version == event.metadata().schemaVersion() ? event.metadata()
                        : event.metadata().withSchemaVersion(version));
    }

    /**
     * The topic this relay sends {@code event} to (its events topic, or the command topic a route names), or
     * empty if the event stays private to the service.
     */
    public Optional<String> destinationOf(RecordedEvent event) {
        return switch (route(event)) {
            case RelayRoutes.Route.Skip skip -> Optional.empty();
            case RelayRoutes.Route.Events events -> Optional.of(topic);
            case RelayRoutes.Route.Publish translated -> Optional.of(topic);
            case RelayRoutes.Route.Send send -> Optional.of(send.topic());
        };
    }

    // ---- status

    /** Every event up to this position is acknowledged by the broker. */
    public long position() {
        synchronized (lock) {
            return window.acknowledged();
        }
    }

    private int inFlight() {
        synchronized (lock) {
            return window.unsettled();
        }
    }

    /** Where the relay is; on a standby, where the leader's shared checkpoint is. */
    public Status status() {
        long position;
        int inFlight;
        long checkpoint = saved;
        State now = state;
        synchronized (lock) {
            position = window.acknowledged();
            inFlight = window.unsettled();
        }
        if (now == State.STANDBY) {
            try {
                position = checkpoints.load(name);
                checkpoint = position;
            } catch (RuntimeException e) {
                log.debug("Relay {} could not read the shared checkpoint: {}", name, e.toString());
            }
        }
        long head = store.headPosition();
        return new Status(name, topic, now, position, checkpoint, head, Math.max(0, head - position), inFlight,
                (long) published.count(), lastError, lastErrorAt);
    }

    // ---- outcomes from the publisher

    @Override
    public void acknowledged(long position) {
        boolean counted;
        synchronized (lock) {
            counted = window.acknowledge(position);
            if (counted) {
                lastProgressNanos = System.nanoTime();
            }
        }
        if (!counted) {
            return;
        }
        published.increment();
        if (outage) {
            outage = false;
            if (running) {
                state = State.RUNNING;
            }
            log.info("Relay {} resumed: the broker acknowledged position {} after {} s", name, position,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outageStartNanos));
        }
        Session current = session;
        if (current != null) {
            current.request(1);
        }
    }

    @Override
    public void failed(long position, Throwable error) {
        boolean counted;
        synchronized (lock) {
            counted = window.fail(position);
        }
        if (counted) {
            Session current = session;
            if (current != null) {
                current.fail(new RelaySendFailed(position, error));
            }
        }
    }

    // ---- the supervisor

    private void supervise() {
        long backoffMillis = settings.retryInitial().toMillis();
        while (running) {
            long before = position();
            Session current = new Session();
            session = current;
            store.subscribe(before + 1).publishOn(sender, settings.maxInFlight()).subscribe(current);
            Throwable cause = watch(current);
            if (!running) {
                break;
            }
            if (cause instanceof NotLeading) {
                // the lease ran out before the leadership noticed the lock was gone: wait for what is in
                // flight, and for the standBy that stops this relay (or for a confirmation of the lock)
                log.debug("Relay {} paused at position {}: {}", name, position(), cause.getMessage());
                awaitSettled(null);
                if (!pause(settings.retryInitial().toMillis())) {
                    break;
                }
                synchronized (lock) {
                    window.restart(window.acknowledged());
                }
                continue;
            }
            state = State.RETRYING;
            noteError(cause);
            startOutage("a send failed at position " + (position() + 1) + " (" + cause + ")");
            awaitSettled(null);
            if (position() > before) {
                backoffMillis = settings.retryInitial().toMillis();
            }
            log.debug("Relay {} restarting after position {} in {} ms", name, position(), backoffMillis);
            if (!pause(backoffMillis)) {
                break;
            }
            backoffMillis = Math.min(backoffMillis * 2, settings.retryMax().toMillis());
            synchronized (lock) {
                window.restart(window.acknowledged());
            }
            if (running) {
                state = outage ? State.PAUSED : State.RUNNING;
            }
        }
        // a stop may have raced with the start of a session: end whichever is current
        endSession(null);
    }

    /** Until the session ends: saves checkpoints and watches for stalls; returns why it ended. */
    private Throwable watch(Session current) {
        long interval = Math.max(1, settings.checkpointInterval().toMillis());
        while (true) {
            try {
                return current.ended.get(interval, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                saveCheckpoint();
                detectStall();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }
    }

    private void detectStall() {
        long sinceProgress;
        int inFlight;
        synchronized (lock) {
            inFlight = window.unsettled();
            sinceProgress = System.nanoTime() - lastProgressNanos;
        }
        if (inFlight > 0 && sinceProgress > settings.stallTimeout().toNanos() && !outage) {
            state = State.PAUSED;
            startOutage("no acknowledgement from the broker for " + settings.stallTimeout().toSeconds() + " s with "
                    + inFlight + " events in flight");
        }
    }

    private void startOutage(String why) {
        if (!outage) {
            outage = true;
            outageStartNanos = System.nanoTime();
            log.warn("Relay {} paused at position {}: {}; it resumes by itself when the broker is back "
                    + "(further failures of this outage are logged at DEBUG)", name, position(), why);
        } else {
            log.debug("Relay {} still paused at position {}: {}", name, position(), why);
        }
    }

    private void noteError(Throwable cause) {
        lastError = String.valueOf(cause);
        lastErrorAt = Instant.now();
    }

    /** Waits until nothing is in flight (or the timeout passes, or the relay stops when no timeout). */
    private void awaitSettled(Duration timeout) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        long interval = Math.max(1, settings.checkpointInterval().toMillis());
        while (inFlight() > 0 && System.nanoTime() < deadline && (timeout != null || running)) {
            if (!pause(interval) && timeout == null) {
                return;
            }
            saveCheckpoint();
            if (timeout == null) {
                detectStall();
            }
        }
    }

    private boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            if (running) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    private void saveCheckpoint() {
        long position = position();
        if (position != saved) {
            try {
                checkpoints.save(name, position);
                saved = position;
            } catch (NotLeading e) {
                log.info("Relay {} did not save its checkpoint {}: {}", name, position, e.getMessage());
            } catch (RuntimeException e) {
                log.warn("Relay {} could not save its checkpoint {}: {}", name, position, e.toString());
            }
        }
    }

    private void endSession(Throwable cause) {
        Session current = session;
        if (current != null) {
            current.ended.complete(cause);
            current.dispose();
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One pass over the log from the acknowledged position; ends on the first failure. */
    private final class Session extends BaseSubscriber<RecordedEvent> {

        final CompletableFuture<Throwable> ended = new CompletableFuture<>();

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(settings.maxInFlight());
        }

        @Override
        protected void hookOnNext(RecordedEvent event) {
            if (ended.isDone()) {
                return;
            }
            if (!leadership.leading()) {
                fail(new NotLeading(leadership.role(), "publish the event at position " + event.position()));
                return;
            }
            RelayRoutes.Route route;
            try {
                route = route(event);
            } catch (RuntimeException e) {
                fail(new RelaySendFailed(event.position(), e));
                return;
            }
            if (route instanceof RelayRoutes.Route.Skip) {
                // kept to the service: counts as relayed at once, so the checkpoint can pass it
                synchronized (lock) {
                    window.sending(event.position());
                    window.acknowledge(event.position());
                }
                request(1);
                return;
            }
            boolean first;
            synchronized (lock) {
                first = window.unsettled() == 0;
                if (first) {
                    lastProgressNanos = System.nanoTime();
                }
                window.sending(event.position());
            }
            publishing = true;
            try {
                switch (route) {
                    case RelayRoutes.Route.Send send -> publisher.send(send.topic(), translatedTo(event, send.type(),
                            send.data()));
                    case RelayRoutes.Route.Events events -> publisher.publish(published(event));
                    case RelayRoutes.Route.Publish translated -> publisher.publish(translatedTo(event,
                            translated.type(), translated.data()));
                    case RelayRoutes.Route.Skip skip -> throw new IllegalStateException("skipped above");
                }
                if (first) {
                    // the stall clock starts when the producer has the event (the first send of a
                    // binding also creates the binding, which may take a while)
                    synchronized (lock) {
                        lastProgressNanos = System.nanoTime();
                    }
                }
            } catch (RuntimeException e) {
                synchronized (lock) {
                    window.unsend(event.position());
                }
                fail(new RelaySendFailed(event.position(), e));
            } finally {
                publishing = false;
            }
        }

        @Override
        protected void hookOnError(Throwable error) {
            ended.complete(error);
        }

        @Override
        protected void hookOnComplete() {
            ended.complete(new IllegalStateException("the event store subscription ended"));
        }

        void fail(Throwable error) {
            if (ended.complete(error)) {
                dispose();
            }
        }
    }

    /** A send the broker (or the producer) refused. */
    static final class RelaySendFailed extends RuntimeException {
        RelaySendFailed(long position, Throwable cause) {
            super("sending the event at position " + position + " failed: " + rootOf(cause), cause);
        }

        private static Throwable rootOf(Throwable error) {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root;
        }
    }
}
