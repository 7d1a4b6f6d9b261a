package eventshop.launcher.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/** Drops log lines that say nothing to someone running the store. */
public final class KnownNoise extends Filter<ILoggingEvent> {

    @Override
    public FilterReply decide(ILoggingEvent event) {
        String message = event.getMessage();
        if (message != null && event.getLoggerName().equals("org.apache.kafka.clients.NetworkClient")
                && message.contains("Attempting to close NetworkClient that has already been closed")) {
            return FilterReply.DENY; // the broker's own controller channel, at every stop
        }
        return FilterReply.NEUTRAL;
    }
}
