package eventshop.eventsourcing.decider;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A business rule the command breaks ({@code CartIsEmpty}, {@code InsufficientStock}). Deciders throw
 * subclasses, one small class per rule, so callers can catch the one they expect by type; nothing is stored.
 * A subclass says how the HTTP layer answers by passing its {@link Kind} (and, rarely, its own slug) to the
 * constructor, and adds accessors only for data a caller needs ({@code InsufficientStock#shortage()}):
 * <pre>{@code
 * public static final class CartIsEmpty extends DomainError {
 *     public CartIsEmpty(String detail) {
 *         super(Kind.CONFLICT, detail);
 *     }
 * }
 * }</pre>
 * The HTTP layer answers with an RFC 9457 problem whose status comes from {@link #kind()}, whose {@code type}
 * is {@code /problems/<slug>} and whose title is the slug in words ({@code Cart is empty}); the message is
 * its {@code detail}, so it names no secrets. Plain Java, so domain packages can use it without depending
 * on Spring. Immutable; no stack trace is captured (a refusal is an answer, not a fault).
 */
public abstract class DomainError extends RuntimeException {

    /** How the HTTP layer answers. */
    public enum Kind {
        /** 409: the command conflicts with the current state (cart already checked out). */
        CONFLICT,
        /** 422: the command is well-formed but breaks a rule (quantity above stock). */
        UNPROCESSABLE,
        /** 404: the command addresses something that does not exist. */
        NOT_FOUND,
        /** 401: the caller's proof of who it is was refused (a wrong password). */
        UNAUTHORIZED,
        /** 403: the caller is known but may not do this (a suspended account logging in). */
        FORBIDDEN,
        /**
         * 429: the caller tried too often (login failures, registrations from one address); {@link #retryAfter()}
         * says when it may try again.
         */
        TOO_MANY_REQUESTS
    }

    private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private final Kind kind;
    private final String slug;

    /**
     * An error whose slug is its class name in kebab case ({@code CartIsEmpty} → {@code cart-is-empty}).
     *
     * @param detail what is wrong, for the caller to read (the problem's {@code detail})
     */
    protected DomainError(Kind kind, String detail) {
        super(detail, null, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.slug = kebab(getClass().getSimpleName());
    }

    /**
     * An error with a slug of its own, for a class whose name is not the problem type it answers.
     *
     * @param slug the problem type's last segment: lower-case words joined by dashes ({@code product-discontinued})
     * @throws IllegalArgumentException if the slug is not such words
     */
    protected DomainError(Kind kind, String slug, String detail) {
        super(detail, null, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw new IllegalArgumentException("a slug is lower-case words joined by dashes, was '" + slug + "'");
        }
        this.slug = slug;
    }

    /** How the HTTP layer answers. */
    public final Kind kind() {
        return kind;
    }

    /** A short stable slug for the problem's {@code type} URI. */
    public final String slug() {
        return slug;
    }

    /**
     * How long the caller should wait before trying again (the answer's {@code Retry-After}); empty unless a
     * subclass says. A {@link Kind#TOO_MANY_REQUESTS} error should.
     */
    public Optional<Duration> retryAfter() {
        return Optional.empty();
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
