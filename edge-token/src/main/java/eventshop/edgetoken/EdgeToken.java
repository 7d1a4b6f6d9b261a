package eventshop.edgetoken;

/**
 * The token edge mints for every request it forwards, and services verify: a JWT signed with
 * HMAC-SHA256 under the current shared key {@code eventshop.security.token-secret} (base64, at least
 * 32 bytes), naming it in its header ({@code kid}); previous keys still verify during a rotation ({@link TokenKeys}). Issuer {@link #ISSUER}; audience {@link #SERVICES_AUDIENCE} for service calls (short-lived)
 * or {@link #SESSION_AUDIENCE} for the bearer token a user gets from login (services refuse those);
 * subject the account id, or {@link #ANONYMOUS} for a caller that has not logged in; claims
 * {@link #EMAIL} and {@link #ROLES} (a list of {@link #CUSTOMER}, {@link #ADMIN}, {@link #EDGE}), and on a services
 * token {@link #CLIENT_ADDRESS}.
 *
 * <p>The token is an agreement between two parties that depend on nothing of each other: edge, which mints
 * it, and the starter's {@code security} package, which verifies it for every service. It is not part of
 * the event language ({@code contracts}), so it has its own module, read by both. Constants only.
 */
public final class EdgeToken {

    public static final String ISSUER = "eventshop-edge";
    public static final String SERVICES_AUDIENCE = "eventshop-services";
    public static final String SESSION_AUDIENCE = "eventshop-session";
    public static final String EMAIL = "email";
    public static final String ROLES = "roles";
    public static final String ANONYMOUS = "anonymous";
    /**
     * The address of the client whose request edge forwards (the socket's remote address as edge saw it), on the
     * services tokens edge mints for forwarded requests and for its own login checks: what limits per client
     * address count by (accounts). Signed with the rest, so only edge can name it; absent on tokens minted by
     * anything else.
     */
    public static final String CLIENT_ADDRESS = "client";

    public static final String CUSTOMER = "CUSTOMER";
    public static final String ADMIN = "ADMIN";
    /** Edge itself calling a service (for example to check a login). */
    public static final String EDGE = "EDGE";
    /**
     * A service calling another as itself, on a token it minted for itself (subject {@code service:<name>}): for the
     * endpoints only services may call, such as a data subject's key. Edge never mints it, for a person or itself.
     */
    public static final String SERVICE = "SERVICE";

    private EdgeToken() {
    }
}
