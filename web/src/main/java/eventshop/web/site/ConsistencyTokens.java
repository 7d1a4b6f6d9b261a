package eventshop.web.site;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.InvalidConsistencyToken;
import org.jspecify.annotations.Nullable;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Read-your-writes across a redirect (DESIGN §6): after a command the page redirects to the next page with the
 * command's consistency token in the query string ({@value #PARAMETER}), and that page sends it with its query,
 * which then waits until its read model has the command. A token that does not look like one is dropped here
 * (the page then reads without waiting) rather than turned into a service's 400.
 */
public final class ConsistencyTokens {

    public static final String PARAMETER = "ct";

    private ConsistencyTokens() {
    }

    /** The token of the request's {@value #PARAMETER}, if it is well-formed. */
    public static @Nullable String valid(@Nullable String token) {
        if (token == null || token.length() > 400) {
            return null;
        }
        try {
            return ConsistencyToken.parse(token).toString();
        } catch (InvalidConsistencyToken malformed) {
            return null;
        }
    }

    /** A redirect to {@code path} carrying {@code token} (when there is one). */
    public static String redirect(String path, @Nullable String token) {
        if (token == null) {
            return "redirect:" + path;
        }
        return "redirect:" + UriComponentsBuilder.fromUriString(path).queryParam(PARAMETER, "{ct}")
                .encode().buildAndExpand(token).toUriString();
    }
}
