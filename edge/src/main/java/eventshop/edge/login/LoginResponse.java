package eventshop.edge.login;

import java.time.Instant;

/** A session: the bearer token to send on every request, and when it stops working. */
record LoginResponse(String token, Instant expiresAt, String accountId, String role) {
}
