package eventshop.launcher.load;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.launcher.client.EdgeClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When the views' order history shows the run's confirmations, without a request per order: one probe
 * at a time, {@code GET /api/orders?size=1} with the consistency token of the newest confirmation not yet
 * known visible ({@code orders:<position>@<order stream>}). The views answer once they have applied that
 * event (its partition exactly, the rest of orders' log up to its position by their whole-log estimate),
 * so every confirmation up to that position is visible at the answer. Probes start at most every
 * {@code interval}, and only while a confirmation is waiting to be seen: at most {@code 1/interval}
 * requests per second, however high the rate. The price is precision: a confirmation that reaches the
 * views while a probe is on its way is timed at the next answer, at most one interval plus one round
 * trip late; a probe sent before the views have the event is answered the moment they do.
 */
final class ViewsProbe implements AutoCloseable {

    private final EdgeClient edge;
    private final String token;
    private final Outcomes outcomes;
    private final Duration interval;
    private final Thread thread;
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger unanswered = new AtomicInteger();
    private volatile boolean closed;
    private volatile String lastError;

    /** @param token a customer's session, whose history the probe asks for */
    ViewsProbe(EdgeClient edge, String token, Outcomes outcomes, Duration interval) {
        this.edge = edge;
        this.token = token;
        this.outcomes = outcomes;
        this.interval = interval;
        this.thread = Thread.ofVirtual().name("store-load-views-probe").start(this::loop);
    }

    private void loop() {
        long next = System.nanoTime();
        try {
            while (!closed) {
                Optional<Outcomes.Pending> pending = outcomes.awaitPending(Duration.ofMillis(200));
                if (pending.isEmpty()) {
                    continue;
                }
                Schedule.SYSTEM.parkUntil(next);
                next = System.nanoTime() + interval.toNanos();
                Outcomes.Pending wanted = pending.get();
                String consistency = new ConsistencyToken("orders", wanted.position(), wanted.stream()).toString();
                probes.incrementAndGet();
                try {
                    EdgeClient.Response answer = edge.send("GET", "/api/orders?size=1", null, token,
                            Map.of(ConsistencyToken.HEADER, consistency));
                    if (answer.status() == 200) {
                        outcomes.visible(wanted.position(), Instant.now());
                    } else {
                        unanswered.incrementAndGet(); // 503: not consistent within the views' bounded wait; ask again
                        lastError = answer.toString();
                    }
                } catch (IllegalStateException e) {
                    unanswered.incrementAndGet();
                    lastError = e.getMessage();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Probes sent. */
    int probes() {
        return probes.get();
    }

    /** Probes not answered 200 (the views' bounded wait ran out, or an error). */
    int unanswered() {
        return unanswered.get();
    }

    String lastError() {
        return lastError;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join(Duration.ofSeconds(35));
    }
}
