package eventshop.edge.tokens;

import eventshop.edgetoken.EdgeToken;
import java.util.List;

/**
 * Who a request comes from, as edge tells the services: an account (id, e-mail, roles), edge itself, or
 * an anonymous caller (no e-mail, no roles).
 *
 * @param id    account id, {@link EdgeToken#ANONYMOUS} or {@code "edge"}
 * @param email null for the anonymous caller and edge
 * @param roles never null
 */
public record Caller(String id, String email, List<String> roles) {

    public static final String EDGE_SUBJECT = "edge";

    public Caller {
        roles = List.copyOf(roles);
    }

    public static Caller anonymous() {
        return new Caller(EdgeToken.ANONYMOUS, null, List.of());
    }

    /** Edge calling a service on its own behalf (to check a login). */
    public static Caller edge() {
        return new Caller(EDGE_SUBJECT, null, List.of(EdgeToken.EDGE));
    }

    public boolean isAnonymous() {
        return EdgeToken.ANONYMOUS.equals(id);
    }
}
