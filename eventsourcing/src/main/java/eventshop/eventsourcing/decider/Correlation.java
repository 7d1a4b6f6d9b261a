package eventshop.eventsourcing.decider;

import org.jspecify.annotations.Nullable;

/**
 * The conversation a request says it continues: its {@value CommandContexts#CORRELATION_HEADER} header as
 * sent, or none. A controller takes it as a parameter (the starter resolves it from the header) and hands
 * {@link #id()} to {@link CommandContexts#create}, which starts a new conversation for none, a blank or an
 * over-long one.
 *
 * @param id the header's value as sent (several values joined by commas), or null without the header
 */
public record Correlation(@Nullable String id) {

    /** The request names no conversation. */
    public static final Correlation NONE = new Correlation(null);
}
