package eventshop.accounts.privacy;

import eventshop.accounts.domain.EmailAddress;
import eventshop.eventsourcing.privacy.BlindIndex;

/**
 * The blind index of a normalized e-mail address: what the credentials read model, the e-mail claim streams and the
 * login-failure limits find an address by, instead of the address itself. Thread-safe.
 */
public final class EmailIndex {

    private final BlindIndex index;

    public EmailIndex(BlindIndex index) {
        this.index = index;
    }

    /** The index of {@code email}: 64 hex characters. */
    public String of(EmailAddress email) {
        return index.of(email.value());
    }
}
