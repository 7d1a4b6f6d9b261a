package eventshop.launcher;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.core.metrics.StartupStep;

/**
 * Where an application's start went, for whoever makes the store start faster: with
 * {@code -Deventshop.start.report=N} each application's start is recorded (Spring's {@link BufferingApplicationStartup})
 * and its N costliest steps are logged by their own time (a bean's time without the beans it created for its
 * dependencies), e.g. {@code EVENTSHOP_JAVA_OPTS=-Deventshop.start.report=15 ./store up}. Off by default: the
 * recording itself costs.
 */
final class StartReport {

    private static final Logger LOG = LoggerFactory.getLogger(StartReport.class);
    static final int STEPS = Integer.getInteger("eventshop.start.report", 0);

    private StartReport() {
    }

    /** A recorder for one application's start, or null when no report is asked for. */
    static BufferingApplicationStartup recorder() {
        return STEPS > 0 ? new BufferingApplicationStartup(50_000) : null;
    }

    static void log(String app, BufferingApplicationStartup recorded) {
        List<StartupTimeline.TimelineEvent> events = recorded.getBufferedTimeline().getEvents();
        Map<Long, Duration> children = new HashMap<>();
        for (StartupTimeline.TimelineEvent event : events) {
            Long parent = event.getStartupStep().getParentId();
            if (parent != null) {
                children.merge(parent, event.getDuration(), Duration::plus);
            }
        }
        StringBuilder report = new StringBuilder(app).append(": the costliest start steps by their own time");
        events.stream()
                .map(event -> Map.entry(event, event.getDuration().minus(
                        children.getOrDefault(event.getStartupStep().getId(), Duration.ZERO))))
                .sorted(Map.Entry.<StartupTimeline.TimelineEvent, Duration>comparingByValue(Comparator.reverseOrder()))
                .limit(STEPS)
                .forEach(entry -> report.append(String.format("%n  %5d ms  %s", entry.getValue().toMillis(),
                        describe(entry.getKey().getStartupStep()))));
        LOG.info("{}", report);
    }

    private static String describe(StartupStep step) {
        StringBuilder text = new StringBuilder(step.getName());
        StreamSupport.stream(step.getTags().spliterator(), false)
                .forEach(tag -> text.append(' ').append(tag.getKey()).append('=').append(tag.getValue()));
        return text.toString();
    }
}
