package eventshop.accounts.domain;

/**
 * Where an account is in its lifecycle: PENDING → CONFIRMED → ACTIVE ⇄ SUSPENDED, ARCHIVED for good.
 *
 * <p>CONFIRMED lasts only until the account is activated (today right after confirming, later by the
 * functions service); callers see it as {@link #PENDING} ({@link #shown()}), so the public status is
 * one of PENDING, ACTIVE, SUSPENDED, ARCHIVED as DESIGN §6 lists.
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
}
