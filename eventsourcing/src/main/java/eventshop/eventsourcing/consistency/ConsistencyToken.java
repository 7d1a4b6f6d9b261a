package eventshop.eventsourcing.consistency;

import eventshop.eventstore.Limits;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * "Your command's events are at this position of this service's log, in this stream." Returned in
 * the {@code Consistency-Token} header of every command response; a query that sends it back waits
 * (bounded) until the read model it reads reflects that event.
 *
 * <p>Written as {@code <source>:<position>} or {@code <source>:<position>@<stream>}, for example
 * {@code carts:1234@cart-7f3a}. The stream is percent-encoded as UTF-8: the characters
 * {@code A-Z a-z 0-9 - . _ ~} stand for themselves, every other byte is {@code %XX} with upper-case
 * hex digits, so any stream id round-trips and the header stays plain ASCII. Parsing is strict: the
 * encoding must be exactly the one {@link #toString()} writes (no {@code %41} for {@code A}, no
 * lower-case hex, no invalid UTF-8).
 *
 * <p>Why the stream: a read model of the service's own log applies the whole log in position order,
 * so the position alone says when it has the event. A consumer of the service's Kafka topic sees the
 * log spread over partitions by stream (the relay keys each record by its stream id); within one
 * partition the records arrive in position order, across partitions not. Knowing the stream, such a
 * consumer knows the partition the event travels on and can tell exactly when it has processed it.
 * A token without stream keeps its old meaning and stays valid.
 *
 * @param source   the service whose log the position belongs to
 * @param position the global position of the command's last event; -1 when nothing of the stream
 *                 (or of the log) exists yet (every read model has reached that)
 * @param stream   the stream the command acted on, or null when the token names none
 */
public record ConsistencyToken(String source, long position, @Nullable String stream) {

    public static final String HEADER = "Consistency-Token";

    private static final String SOURCE = "[a-z][a-z0-9-]{0,62}";
    /** At most {@link Limits#MAX_STREAM_ID_LENGTH} UTF-16 units, each at most 3 bytes (a pair 4): 9 characters a unit. */
    private static final Pattern FORMAT = Pattern.compile("(" + SOURCE + "):(-1|\\d{1,18})(?:@([A-Za-z0-9._~%-]{1,"
            + Limits.MAX_STREAM_ID_LENGTH * 9 + "}))?");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    public ConsistencyToken {
        if (source == null || !source.matches(SOURCE)) {
            throw new IllegalArgumentException("token source must be a service name, was " + source);
        }
        if (position < -1) {
            throw new IllegalArgumentException("token position must be >= -1, was " + position);
        }
        if (stream != null) {
            checkStream(stream);
        }
    }

    /** A token that names no stream. */
    public ConsistencyToken(String source, long position) {
        this(source, position, null);
    }

    /**
     * Reads a token from its header value (surrounding blanks ignored).
     *
     * @throws InvalidConsistencyToken if the value is not a token
     */
    public static ConsistencyToken parse(String value) {
        Matcher matcher = value == null ? null : FORMAT.matcher(value.strip());
        if (matcher == null || !matcher.matches()) {
            throw new InvalidConsistencyToken(value);
        }
        String encoded = matcher.group(3);
        try {
            String stream = encoded == null ? null : decode(encoded);
            if (stream != null && !encode(stream).equals(encoded)) {
                throw new IllegalArgumentException("the stream is not encoded the one way tokens are written");
            }
            return new ConsistencyToken(matcher.group(1), Long.parseLong(matcher.group(2)), stream);
        } catch (IllegalArgumentException e) {
            throw new InvalidConsistencyToken(value);
        }
    }

    /**
     * The token a {@value #HEADER} header names: null without the header or for a blank value (a query
     * then waits for nothing).
     *
     * @throws InvalidConsistencyToken if the value is not a token
     */
    public static @Nullable ConsistencyToken fromHeader(@Nullable String value) {
        return value == null || value.isBlank() ? null : parse(value);
    }

    @Override
    public String toString() {
        return source + ":" + position + (stream == null ? "" : "@" + encode(stream));
    }

    private static void checkStream(String stream) {
        if (stream.isEmpty() || stream.length() > Limits.MAX_STREAM_ID_LENGTH) {
            throw new IllegalArgumentException("token stream must have 1 to " + Limits.MAX_STREAM_ID_LENGTH
                    + " characters, had " + stream.length());
        }
        for (int i = 0; i < stream.length(); i++) {
            char c = stream.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < stream.length() && Character.isLowSurrogate(stream.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("token stream is not valid Unicode (lone surrogate at " + i + ")");
            }
        }
    }

    private static boolean unreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static String encode(String stream) {
        StringBuilder out = new StringBuilder(stream.length());
        for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (unreserved(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException on a stray {@code %}, lower-case hex or bytes that are not UTF-8 */
    private static String decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c != '%') {
                bytes.write(c);
                continue;
            }
            if (i + 2 >= encoded.length()) {
                throw new IllegalArgumentException("'%' must be followed by two hex digits");
            }
            int high = Character.digit(encoded.charAt(i + 1), 16);
            int low = Character.digit(encoded.charAt(i + 2), 16);
            if (high < 0 || low < 0) {
                throw new IllegalArgumentException("'%' must be followed by two hex digits");
            }
            bytes.write(high << 4 | low);
            i += 2;
        }
        try {
            CharBuffer text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()));
            return text.toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the stream is not UTF-8", e);
        }
    }
}
