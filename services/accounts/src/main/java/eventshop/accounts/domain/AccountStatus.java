package eventshop.accounts.domain;

import eventshop.contracts.accounts.AccountEvent.AccountReactivated;

/**
 * Where an account is in its lifecycle: PENDING → CONFIRMED → ACTIVE; any of those ⇄ SUSPENDED (reactivation
 * returns to the status it had); ARCHIVED for good.
 *
 * <p>CONFIRMED lasts until the account-lifecycle function activates the account ({@code ActivateAccount}
 * on {@code accounts.commands}, in reaction to the published {@code AccountConfirmed}); usually
 * milliseconds, as long as the functions are down at worst. Callers see it as {@link #PENDING}
 * ({@link #shown()}), so the public status stays one of PENDING, ACTIVE, SUSPENDED, ARCHIVED as
 * DESIGN §6 lists: a confirmed account is not active yet, and like a pending one it may log in and shop.
 */
public enum AccountStatus {
    PENDING, CONFIRMED, ACTIVE, SUSPENDED, ARCHIVED;

    /** The status as the API shows it: CONFIRMED shows as PENDING. */
    public AccountStatus shown() {
        return this == CONFIRMED ? PENDING : this;
    }

    /** Whether the account may log in (and shop): PENDING, CONFIRMED or ACTIVE. */
    public boolean mayLogIn() {
        return this != SUSPENDED && this != ARCHIVED;
    }

    /*
     * What an account in this status allows: its links (MeController, AdminController) are these, and Account's
     * decisions agree (AccountTest checks every status against the decider). A repeat that changes nothing (a
     * second suspend) is not offered.
     */

    /** Whether confirming (with the code, or by an administrator) is still to do: PENDING or CONFIRMED. */
    public boolean confirmable() {
        return this == PENDING || this == CONFIRMED;
    }

    /** Whether an administrator may suspend the account: PENDING, CONFIRMED or ACTIVE. */
    public boolean suspendable() {
        return this == PENDING || this == CONFIRMED || this == ACTIVE;
    }

    /** Whether an administrator may reactivate the account: SUSPENDED. */
    public boolean reactivatable() {
        return this == SUSPENDED;
    }

    /** Whether an administrator may archive the account: any status but ARCHIVED. */
    public boolean archivable() {
        return this != ARCHIVED;
    }

    /** The status a reactivation returns the account to (ACTIVE for an event without one, recorded before it had). */
    public static AccountStatus reactivatedTo(AccountReactivated reactivated) {
        return reactivated.status() == null ? ACTIVE : valueOf(reactivated.status());
    }
}
