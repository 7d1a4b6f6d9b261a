package eventshop.edge.login;

/** The accounts service's answer to a successful credentials check. */
record VerifiedAccount(String accountId, String email, String name, String role, String status) {
}
