package eventshop.functions.handling;

import eventshop.contracts.accounts.AccountCommand;
import eventshop.contracts.accounts.AccountCommand.ActivateAccount;
import eventshop.contracts.accounts.AccountCommand.DeliverMessage;
import eventshop.contracts.accounts.AccountCommand.MessageKind;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.contracts.accounts.AccountEvent.AccountActivated;
import eventshop.contracts.accounts.AccountEvent.AccountArchived;
import eventshop.contracts.accounts.AccountEvent.AccountConfirmed;
import eventshop.contracts.accounts.AccountEvent.AccountForgotten;
import eventshop.contracts.accounts.AccountEvent.AccountReactivated;
import eventshop.contracts.accounts.AccountEvent.AccountRegistered;
import eventshop.contracts.accounts.AccountEvent.AccountSuspended;
import eventshop.contracts.accounts.AccountEvent.AddressChanged;
import eventshop.contracts.accounts.AccountEvent.CardRemoved;
import eventshop.contracts.accounts.AccountEvent.CardSaved;
import java.util.Optional;
import java.util.UUID;

/**
 * The account lifecycle on {@code accounts.events}: a registered account gets its confirmation code
 * in its mailbox; a confirmed account is activated, also one that is reactivated as confirmed (it was
 * suspended before its activation came, which accounts then refused). Nothing else calls for a command.
 */
public final class AccountLifecycle implements Handler<AccountEvent, AccountCommand> {

    public static final String NAME = "accountLifecycle";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Outgoing<AccountCommand>> on(AccountEvent event, String eventId) {
        UUID id = DerivedIds.of(NAME, eventId);
        return switch (event) {
            case AccountRegistered registered -> Optional.of(new Outgoing<>(id, registered.accountId(),
                    new DeliverMessage(registered.accountId(), id.toString(), MessageKind.CONFIRMATION,
                            "Confirm your eventshop account",
                            // no name: it is sealed personal data, and a message body is no place that opens it
                            "Hello, welcome to eventshop. Your confirmation code is "
                                    + registered.confirmationCode() + ": enter it to confirm your account.",
                            registered.confirmationCode())));
            case AccountConfirmed confirmed -> Optional.of(new Outgoing<>(id, confirmed.accountId(),
                    new ActivateAccount(confirmed.accountId())));
            case AccountActivated activated -> Optional.empty();
            case AccountSuspended suspended -> Optional.empty();
            case AccountReactivated reactivated -> "CONFIRMED".equals(reactivated.status())
                    ? Optional.of(new Outgoing<>(id, reactivated.accountId(), new ActivateAccount(reactivated.accountId())))
                    : Optional.empty();
            case AccountArchived archived -> Optional.empty();
            case AccountForgotten forgotten -> Optional.empty();
            case AddressChanged addressChanged -> Optional.empty();
            case CardSaved cardSaved -> Optional.empty();
            case CardRemoved cardRemoved -> Optional.empty();
        };
    }
}
