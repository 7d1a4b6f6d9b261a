package eventshop.functions.handling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.contracts.Address;
import eventshop.contracts.accounts.AccountCommand;
import eventshop.contracts.accounts.AccountCommand.ActivateAccount;
import eventshop.contracts.accounts.AccountCommand.DeliverMessage;
import eventshop.contracts.accounts.AccountCommand.MessageKind;
import eventshop.contracts.accounts.AccountCommand.NotifyAdmins;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.contracts.inventory.InventoryCommand.ShipStock;
import eventshop.contracts.inventory.InventoryEvent;
import eventshop.contracts.inventory.StockLine;
import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderEvent;
import eventshop.contracts.orders.OrderLine;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class AccountLifecycleTest {

    private final AccountLifecycle lifecycle = new AccountLifecycle();

    @Test
    void registered_deliversTheConfirmationCode_toTheAccountsMailbox() {
        Outgoing<AccountCommand> out = lifecycle.on(
                new AccountEvent.AccountRegistered("acc-1", "ann@example.com", "Ann", "CUSTOMER", "483920"),
                Events.EVENT_ID).orElseThrow();

        UUID id = DerivedIds.of("accountLifecycle", Events.EVENT_ID);
        assertThat(id).isEqualTo(UUID.nameUUIDFromBytes(("accountLifecycle:" + Events.EVENT_ID).getBytes()));
        assertThat(out.id()).isEqualTo(id);
        assertThat(out.key()).isEqualTo("acc-1");
        DeliverMessage message = (DeliverMessage) out.command();
        assertThat(message.accountId()).isEqualTo("acc-1");
        assertThat(message.messageId()).isEqualTo(id.toString());
        assertThat(message.kind()).isEqualTo(MessageKind.CONFIRMATION);
        assertThat(message.code()).isEqualTo("483920");
        assertThat(message.subject()).isNotBlank();
        // the name is sealed personal data (docs/privacy.md): a message body does not quote it
        assertThat(message.body()).contains("483920").doesNotContain("Ann");
    }

    @Test
    void confirmed_activatesTheAccount() {
        Outgoing<AccountCommand> out = lifecycle.on(new AccountEvent.AccountConfirmed("acc-1"), Events.EVENT_ID)
                .orElseThrow();

        assertThat(out.command()).isEqualTo(new ActivateAccount("acc-1"));
        assertThat(out.key()).isEqualTo("acc-1");
        assertThat(out.id()).isEqualTo(DerivedIds.of("accountLifecycle", Events.EVENT_ID));
    }

    @Test
    void reactivatedAsConfirmed_activatesTheAccount_asActiveOrPending_sendsNothing() {
        Outgoing<AccountCommand> out = lifecycle.on(new AccountEvent.AccountReactivated("acc-1", "CONFIRMED"),
                Events.EVENT_ID).orElseThrow();

        assertThat(out.command()).isEqualTo(new ActivateAccount("acc-1"));
        assertThat(lifecycle.on(new AccountEvent.AccountReactivated("acc-1", "PENDING"), Events.EVENT_ID)).isEmpty();
        assertThat(lifecycle.on(new AccountEvent.AccountReactivated("acc-1", null), Events.EVENT_ID)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("eventshop.functions.handling.Events#otherAccountEvents")
    void otherAccountEvents_sendNothing(AccountEvent event) {
        assertThat(lifecycle.on(event, Events.EVENT_ID)).isEmpty();
    }

    @Test
    void theSameEventTwice_givesTheSameCommand_andAnotherEventAnotherId() {
        AccountEvent registered = new AccountEvent.AccountRegistered("acc-1", "a@x.io", "A", "CUSTOMER", "111111");

        assertThat(lifecycle.on(registered, Events.EVENT_ID)).isEqualTo(lifecycle.on(registered, Events.EVENT_ID));
        assertThat(lifecycle.on(registered, UUID.randomUUID().toString()).orElseThrow().id())
                .isNotEqualTo(lifecycle.on(registered, Events.EVENT_ID).orElseThrow().id());
    }
}
