package eventshop.edge.login;

/**
 * The accounts service's answer to a successful credentials check; {@code accountVersion} is the version of
 * the account's stream the check saw (null from an accounts service that does not say).
 */
record VerifiedAccount(String accountId, String email, String name, String role, String status,
                       Long accountVersion) {
}
