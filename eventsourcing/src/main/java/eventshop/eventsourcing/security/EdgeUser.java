package eventshop.eventsourcing.security;

import eventshop.edgetoken.EdgeToken;

import java.util.Objects;
import java.util.Set;

/**
 * The caller of a service request, as edge vouched for it in the request's token: an account
 * ({@code id} is the account id) or the anonymous caller ({@link #ANONYMOUS}). Controllers take it as
 * a method parameter; the starter resolves it from the verified token. Immutable.
 *
 * @param id    the account id, or {@link EdgeToken#ANONYMOUS}
 * @param email the account's e-mail, empty for the anonymous caller
 * @param roles {@link EdgeToken#CUSTOMER}, {@link EdgeToken#ADMIN}, {@link EdgeToken#EDGE}; empty for the anonymous caller
 */
public record EdgeUser(String id, String email, Set<String> roles) {

    public static final EdgeUser ANONYMOUS = new EdgeUser(EdgeToken.ANONYMOUS, "", Set.of());

    public EdgeUser {
        Objects.requireNonNull(id, "id");
        email = email == null ? "" : email;
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }

    public static EdgeUser customer(String id, String email) {
        return new EdgeUser(id, email, Set.of(EdgeToken.CUSTOMER));
    }

    public static EdgeUser admin(String id, String email) {
        return new EdgeUser(id, email, Set.of(EdgeToken.ADMIN));
    }

    public boolean isAnonymous() {
        return EdgeToken.ANONYMOUS.equals(id);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
