package eventshop.eventsourcing.consuming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.MessageListenerContainer;

class ConsumerShutdownTest {

    /** A container whose stop is asynchronous, as Kafka's is: it ends when the test says its consumer has left. */
    static final class Container implements MessageListenerContainer {
        final String id;
        boolean running = true;
        final List<Runnable> whenStopped = new ArrayList<>();
        RuntimeException refusal;

        Container(String id) {
            this.id = id;
        }

        void consumerLeft() {
            whenStopped.forEach(Runnable::run);
        }

        @Override
        public void stop(Runnable callback) {
            if (refusal != null) {
                throw refusal;
            }
            running = false;
            whenStopped.add(callback);
        }

        @Override
        public void stop() {
            throw new AssertionError("the blocking stop is never used");
        }

        @Override
        public void start() {
            running = true;
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public String getListenerId() {
            return id;
        }

        @Override
        public void setupMessageListener(Object messageListener) {
        }

        @Override
        public Map<String, Map<MetricName, ? extends Metric>> metrics() {
            return Map.of();
        }
    }

    @Test
    void everyContainerIsAskedAtOnce_andTheStopEndsWhenTheLastConsumerHasLeft() {
        ConsumerShutdown shutdown = new ConsumerShutdown();
        Container a = new Container("a");
        Container b = new Container("b");
        Container c = new Container("c");
        List.of(a, b, c).forEach(shutdown::add);
        shutdown.start();
        AtomicInteger done = new AtomicInteger();

        shutdown.stop(done::incrementAndGet);

        // all three asked before any has finished: one after the other, b would wait for a
        assertThat(List.of(a, b, c)).noneMatch(Container::isRunning);
        assertThat(shutdown.isRunning()).isFalse();
        a.consumerLeft();
        c.consumerLeft();
        assertThat(done).hasValue(0);
        b.consumerLeft();
        assertThat(done).hasValue(1);
    }

    @Test
    void stoppedContainersAreSkipped_andOneThatFailsToStopDoesNotHoldTheOthers() {
        ConsumerShutdown shutdown = new ConsumerShutdown();
        Container stopped = new Container("stopped");
        stopped.running = false;
        Container failing = new Container("failing");
        failing.refusal = new IllegalStateException("no");
        Container working = new Container("working");
        List.of(stopped, failing, working).forEach(shutdown::add);
        AtomicInteger done = new AtomicInteger();

        shutdown.stop(done::incrementAndGet);
        working.consumerLeft();

        assertThat(done).hasValue(1);
        assertThat(stopped.whenStopped).isEmpty();
    }

    @Test
    void withNothingRunning_theStopEndsAtOnce() {
        ConsumerShutdown shutdown = new ConsumerShutdown();
        AtomicInteger done = new AtomicInteger();

        shutdown.stop(done::incrementAndGet);

        assertThat(done).hasValue(1);
    }

    @Test
    void itStopsBeforeSpringCloudStreamUnbindsTheConsumers() {
        assertThat(new ConsumerShutdown().getPhase())
                .isGreaterThan(new org.springframework.cloud.stream.binding.InputBindingLifecycle(null, Map.of()).getPhase());
    }
}
