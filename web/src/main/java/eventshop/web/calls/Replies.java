package eventshop.web.calls;

import eventshop.eventsourcing.calls.Reply;

/**
 * What a page makes of a service's answer, the same for the storefront's calls ({@link Shop}) and the operations
 * console's: a query's body, or {@link NotFound} for a 404 and {@link Refused} (with the problem's words) for any
 * other refusal; a command's answer, or {@link Refused}.
 */
public final class Replies {

    private Replies() {
    }

    /**
     * The body of a query's 2xx answer.
     *
     * @param what what was read, in words, for the {@link NotFound} page
     * @throws NotFound for a 404
     * @throws Refused  for any other answer that is not a 2xx with a body
     */
    public static <T> T read(Reply<T> reply, String what) {
        if (reply.isNotFound()) {
            throw new NotFound(what);
        }
        if (!reply.is2xx() || reply.body() == null) {
            throw Refused.of(reply);
        }
        return reply.body();
    }

    /**
     * A command's 2xx answer (its body may be empty).
     *
     * @throws Refused for any other answer
     */
    public static <T> Reply<T> accepted(Reply<T> reply) {
        if (!reply.is2xx()) {
            throw Refused.of(reply);
        }
        return reply;
    }
}
