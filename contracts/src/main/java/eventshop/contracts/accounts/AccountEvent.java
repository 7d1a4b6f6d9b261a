package eventshop.contracts.accounts;

import eventshop.contracts.Address;

/**
 * What the accounts service publishes on {@code accounts.events}, one stream per account
 * ({@code account-<accountId>}). Lifecycle: registered (PENDING) → confirmed → active; a pending,
 * confirmed or active account can be suspended, and reactivating it returns it to where it was;
 * archived is final. A suspended or archived account may not log in or shop.
 *
 * <p>Personal data (e-mail address, name, address parts, a card's brand and last four digits) is sealed for the
 * account: {@code pd1:<accountId>:<ciphertext>} (the starter's {@code privacy.Sealing}); events recorded before
 * sealing existed hold it in clear, and opening a clear value gives it back unchanged.
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

    /**
     * A suspended account may log in and shop again, in the status it had when it was suspended:
     * {@code status} is {@code PENDING}, {@code CONFIRMED} (confirmed, not yet activated) or {@code ACTIVE};
     * absent (events recorded before it existed) it is {@code ACTIVE}.
     */
    record AccountReactivated(String accountId, String status) implements AccountEvent {
    }

    record AccountArchived(String accountId) implements AccountEvent {
    }

    /**
     * "Forget me": the account is archived for good and its data subject's key destroyed (crypto-shredding). Every
     * sealed personal value of the account ({@code pd1:<accountId>:...}) opens to "erased" from now on; a consumer
     * that keeps the account's key in memory drops it, and one that shows the account stops showing it as a person.
     */
    record AccountForgotten(String accountId) implements AccountEvent {
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
