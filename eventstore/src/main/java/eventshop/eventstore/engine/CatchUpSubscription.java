package eventshop.eventstore.engine;

import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.StoreClosedException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * Catch-up-then-live subscriptions over a {@link LogSource}, shared by the engines.
 *
 * <p>Each subscription is a small drain loop: it reads at most what the subscriber requested (in
 * batches of at most {@value #BATCH}) from the source's storage and emits it; when it reaches the
 * visible head it stops and waits to be signalled by {@link #headAdvanced()}. Catch-up and live
 * are the same loop, so there is no hand-over in which an event could be lost or repeated. A slow
 * subscriber costs nothing but its position: nothing is buffered for it.
 *
 * <p>Thread-safe. Drain loops run on the given executor, one at a time per subscription.
 */
public final class CatchUpSubscription {

    static final int BATCH = 512;

    private final LogSource source;
    private final Executor executor;
    private final CopyOnWriteArrayList<Drain> active = new CopyOnWriteArrayList<>();

    public CatchUpSubscription(LogSource source, Executor executor) {
        this.source = source;
        this.executor = executor;
    }

    /** A new subscription from {@code fromPosition}; nothing is read until it is subscribed to. */
    public Flux<RecordedEvent> subscribe(long fromPosition) {
        return Flux.create(sink -> {
            Drain drain = new Drain(sink, fromPosition);
            active.add(drain);
            sink.onRequest(n -> drain.signal());
            sink.onDispose(() -> {
                drain.cancelled = true;
                active.remove(drain);
            });
            drain.signal();
        }, FluxSink.OverflowStrategy.ERROR);
    }

    /** Tells every subscription that new events may be visible (or that the source closed). */
    public void headAdvanced() {
        for (Drain drain : active) {
            drain.signal();
        }
    }

    /** How many subscriptions are open. */
    public int activeCount() {
        return active.size();
    }

    private final class Drain implements Runnable {
        private final FluxSink<RecordedEvent> sink;
        private final AtomicInteger wip = new AtomicInteger();
        private long next;
        private volatile boolean cancelled;

        Drain(FluxSink<RecordedEvent> sink, long next) {
            this.sink = sink;
            this.next = next;
        }

        void signal() {
            if (wip.getAndIncrement() == 0) {
                try {
                    executor.execute(this);
                } catch (java.util.concurrent.RejectedExecutionException rejected) {
                    sink.error(new StoreClosedException("the event store closed before this subscription caught up",
                            rejected));
                }
            }
        }

        @Override
        public void run() {
            int missed = 1;
            do {
                if (!emitWhatIsVisible()) {
                    return;
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        /** @return false when the subscription has ended */
        private boolean emitWhatIsVisible() {
            try {
                while (!cancelled) {
                    long demand = sink.requestedFromDownstream();
                    long head = source.visibleHead();
                    if (next > head) {
                        if (source.isClosed() && next > source.visibleHead()) {
                            sink.complete();
                            return false;
                        }
                        return true;
                    }
                    if (demand <= 0) {
                        return true;
                    }
                    int max = (int) Math.min(Math.min(demand, BATCH), head - next + 1);
                    List<RecordedEvent> batch = source.readBatch(next, max);
                    if (batch.isEmpty()) {
                        return true;
                    }
                    for (RecordedEvent event : batch) {
                        if (cancelled) {
                            return false;
                        }
                        sink.next(event);
                        next = event.position() + 1;
                    }
                }
                return false;
            } catch (RuntimeException | Error failure) {
                cancelled = true;
                sink.error(failure);
                return false;
            }
        }
    }
}
