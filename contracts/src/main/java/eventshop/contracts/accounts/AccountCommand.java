package eventshop.contracts.accounts;

/**
 * Commands accounts accepts on {@code accounts.commands} (from the functions): deliver a message to a
 * mailbox, activate a confirmed account. Same headers as events ({@code event-id} = the command id,
 * which receivers deduplicate by; {@code event-type} = the record's simple name). Every command is
 * idempotent: a message id delivered before is not delivered again, an active account stays active.
 */
public sealed interface AccountCommand {

    /** Activates an account that was confirmed (the account-lifecycle function sends it on {@code AccountConfirmed}). */
    record ActivateAccount(String accountId) implements AccountCommand {
    }

    /**
     * Puts a message into the account's mailbox (the simulated e-mail of {@code GET /api/accounts/me/messages}).
     * {@code messageId} is chosen by the sender, derived from what caused it, so a redelivered cause
     * delivers nothing new. {@code code} is the confirmation code for {@link MessageKind#CONFIRMATION}, else empty.
     */
    record DeliverMessage(String accountId, String messageId, MessageKind kind, String subject, String body,
                          String code) implements AccountCommand {
    }

    /** Puts a message into the mailbox of every administrator (alerts). */
    record NotifyAdmins(String messageId, MessageKind kind, String subject, String body) implements AccountCommand {
    }

    enum MessageKind {
        CONFIRMATION,
        ORDER_CONFIRMED,
        ORDER_SHIPPED,
        ORDER_CANCELLED,
        LOW_STOCK
    }
}
