package eventshop.contracts.accounts;

import eventshop.contracts.Address;

/**
 * What the accounts service publishes on {@code accounts.events}, one stream per account
 * ({@code account-<accountId>}). Lifecycle: registered (PENDING) → confirmed → active ⇄ suspended,
 * archived.
 */
public sealed interface AccountEvent {

    String accountId();

    /** A new account, PENDING until confirmed with {@code confirmationCode}. {@code role} is CUSTOMER or ADMIN. */
    record AccountRegistered(String accountId, String email, String name, String role, String confirmationCode)
            implements AccountEvent {
    }

    record AccountConfirmed(String accountId) implements AccountEvent {
    }

    record AccountActivated(String accountId) implements AccountEvent {
    }

    record AccountSuspended(String accountId, String reason) implements AccountEvent {
    }

    record AccountReactivated(String accountId) implements AccountEvent {
    }

    record AccountArchived(String accountId) implements AccountEvent {
    }

    /** The account's shipping address was set (replacing the previous one). */
    record AddressChanged(String accountId, Address address) implements AccountEvent {
    }

    /** A card token from payments was saved: only its brand, last four digits and expiry, never the number. */
    record CardSaved(String accountId, String cardToken, String brand, String last4, int expMonth, int expYear)
            implements AccountEvent {
    }

    record CardRemoved(String accountId, String cardToken) implements AccountEvent {
    }
}
