package eventshop.eventsourcing.consistency;

import java.util.regex.Pattern;

/**
 * "Your command's events are at this position of this service's log." Returned in the
 * {@code Consistency-Token} header of every command response; a query that sends it back waits
 * (bounded) until the read model it reads has applied that position.
 *
 * <p>Written as {@code <source>:<position>}, for example {@code carts:1234}.
 *
 * @param source   the service whose log the position belongs to
 * @param position the global position of the command's last event; -1 when the log was empty and
 *                 the command appended nothing (every read model has reached that)
 */
public record ConsistencyToken(String source, long position) {

    public static final String HEADER = "Consistency-Token";
    private static final Pattern FORMAT = Pattern.compile("([a-z][a-z0-9-]{0,62}):(-1|\\d{1,18})");

    public ConsistencyToken {
        if (source == null || !source.matches("[a-z][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("token source must be a service name, was " + source);
        }
        if (position < -1) {
            throw new IllegalArgumentException("token position must be >= -1, was " + position);
        }
    }

    /**
     * Reads a token from its header value.
     *
     * @throws InvalidConsistencyToken if the value is not a token
     */
    public static ConsistencyToken parse(String value) {
        var matcher = value == null ? null : FORMAT.matcher(value.trim());
        if (matcher == null || !matcher.matches()) {
            throw new InvalidConsistencyToken(value);
        }
        return new ConsistencyToken(matcher.group(1), Long.parseLong(matcher.group(2)));
    }

    @Override
    public String toString() {
        return source + ":" + position;
    }
}
