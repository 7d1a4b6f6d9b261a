package eventshop.accounts.domain;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.accounts.domain.Account.Activate;
import eventshop.accounts.domain.Account.Archive;
import eventshop.accounts.domain.Account.ChangeAddress;
import eventshop.accounts.domain.Account.Confirm;
import eventshop.accounts.domain.Account.ConfirmByAdmin;
import eventshop.accounts.domain.Account.Reactivate;
import eventshop.accounts.domain.Account.Register;
import eventshop.accounts.domain.Account.RemoveCard;
import eventshop.accounts.domain.Account.SaveCard;
import eventshop.accounts.domain.Account.Suspend;
import eventshop.accounts.domain.AccountErrors.AccountAlreadyRegistered;
import eventshop.accounts.domain.AccountErrors.AccountLocked;
import eventshop.accounts.domain.AccountErrors.AccountNotFound;
import eventshop.accounts.domain.AccountErrors.CardExpired;
import eventshop.accounts.domain.AccountErrors.CardNotFound;
import eventshop.accounts.domain.AccountErrors.IllegalAccountTransition;
import eventshop.accounts.domain.AccountErrors.InvalidAddress;
import eventshop.accounts.domain.AccountErrors.InvalidCard;
import eventshop.accounts.domain.AccountErrors.InvalidRegistration;
import eventshop.accounts.domain.AccountErrors.ReasonTooLong;
import eventshop.accounts.domain.AccountErrors.TooManyCards;
import eventshop.accounts.domain.AccountErrors.WrongConfirmationCode;
import eventshop.contracts.Address;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.contracts.accounts.AccountEvent.AccountActivated;
import eventshop.contracts.accounts.AccountEvent.AccountArchived;
import eventshop.contracts.accounts.AccountEvent.AccountConfirmed;
import eventshop.contracts.accounts.AccountEvent.AccountReactivated;
import eventshop.contracts.accounts.AccountEvent.AccountRegistered;
import eventshop.contracts.accounts.AccountEvent.AccountSuspended;
import eventshop.contracts.accounts.AccountEvent.AddressChanged;
import eventshop.contracts.accounts.AccountEvent.CardRemoved;
import eventshop.contracts.accounts.AccountEvent.CardSaved;
import eventshop.eventsourcing.decider.DomainError;
import eventshop.eventsourcing.testing.DeciderFixture;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AccountTest {

    static final String ID = "0b6f1f3e-6c1d-4c55-9a51-3f2d1c7e9a10";
    static final YearMonth NOW = YearMonth.of(2026, 5);
    static final AccountRegistered REGISTERED =
            new AccountRegistered(ID, "ada@example.com", "Ada Lovelace", "CUSTOMER", "123456");
    static final AccountConfirmed CONFIRMED = new AccountConfirmed(ID);
    static final AccountActivated ACTIVATED = new AccountActivated(ID);
    static final AccountSuspended SUSPENDED = new AccountSuspended(ID, "chargebacks");
    static final AccountArchived ARCHIVED = new AccountArchived(ID);
    static final Address HOME = new Address("Ada Lovelace", "12 St James's Square", "", "London", "SW1Y 4JH", "GB");

    final DeciderFixture<Account.Command, AccountEvent, Account.State> account = DeciderFixture.of(Account.DECIDER);

    static SaveCard card(String token) {
        return new SaveCard(token, "VISA", "4242", 12, 2030, NOW);
    }

    static CardSaved saved(String token) {
        return new CardSaved(ID, token, "VISA", "4242", 12, 2030);
    }

    @Nested
    class Registering {

        @Test
        void registers_a_pending_account() {
            Account.State state = account.when(new Register(ID, new EmailAddress("ada@example.com"), "  Ada Lovelace ",
                    "CUSTOMER", "123456")).then(REGISTERED);
            assertThat(Account.status(state)).isEqualTo(AccountStatus.PENDING);
        }

        @Test
        void refuses_an_id_that_is_registered_already() {
            account.given(REGISTERED)
                    .when(new Register(ID, new EmailAddress("other@example.com"), "Other", "CUSTOMER", "1"))
                    .thenError(AccountAlreadyRegistered.class);
        }

        @Test
        void refuses_a_blank_or_overlong_name_and_unknown_roles() {
            EmailAddress email = new EmailAddress("ada@example.com");
            account.when(new Register(ID, email, " ", "CUSTOMER", "1")).thenError(InvalidRegistration.class);
            account.when(new Register(ID, email, "x".repeat(201), "CUSTOMER", "1")).thenError(InvalidRegistration.class);
            account.when(new Register(ID, email, "Ada", "ROOT", "1")).thenError(InvalidRegistration.class);
            account.when(new Register(ID, email, "Ada", "EDGE", "1")).thenError(InvalidRegistration.class);
        }
    }

    @Nested
    class Lifecycle {

        @Test
        void pending_is_confirmed_with_the_right_code_then_activated() {
            account.given(REGISTERED).when(new Confirm("123456")).then(CONFIRMED);
            Account.State state = account.given(REGISTERED, CONFIRMED).when(new Activate()).then(ACTIVATED);
            assertThat(Account.status(state)).isEqualTo(AccountStatus.ACTIVE);
        }

        @Test
        void a_wrong_code_is_refused_as_unprocessable() {
            WrongConfirmationCode error = account.given(REGISTERED).when(new Confirm("654321"))
                    .thenError(WrongConfirmationCode.class);
            assertThat(error.kind()).isEqualTo(DomainError.Kind.UNPROCESSABLE);
            assertThat(error.slug()).isEqualTo("wrong-confirmation-code");
            account.given(REGISTERED).when(new Confirm(null)).thenError(WrongConfirmationCode.class);
        }

        @Test
        void confirming_records_only_the_confirmation_activation_is_its_own_command() {
            Account.State state = account.given(REGISTERED).when(new Confirm("123456")).then(CONFIRMED);
            assertThat(state).isInstanceOf(Account.Confirmed.class);
            assertThat(Account.status(state)).isEqualTo(AccountStatus.CONFIRMED);
            assertThat(Account.status(state).shown()).isEqualTo(AccountStatus.PENDING);
            assertThat(Account.status(state).mayLogIn()).isTrue();
        }

        @Test
        void activation_past_confirmation_is_refused_and_changes_nothing() {
            // the command consumer drops these (logged): a late ActivateAccount must not undo a suspension
            account.given(REGISTERED).when(new Activate()).thenError(IllegalAccountTransition.class);
            account.given(REGISTERED, CONFIRMED, ACTIVATED, SUSPENDED).when(new Activate())
                    .thenError(IllegalAccountTransition.class);
            account.given(REGISTERED, CONFIRMED, ARCHIVED).when(new Activate()).thenError(IllegalAccountTransition.class);
            account.given(REGISTERED, CONFIRMED, ACTIVATED).when(new Activate()).thenNothing();
        }

        @Test
        void an_administrator_confirms_without_a_code() {
            account.given(REGISTERED).when(new ConfirmByAdmin()).then(CONFIRMED);
        }

        @Test
        void confirming_a_confirmed_account_changes_nothing_so_activation_can_follow_a_crash() {
            account.given(REGISTERED, CONFIRMED).when(new Confirm("123456")).thenNothing();
            account.given(REGISTERED, CONFIRMED).when(new ConfirmByAdmin()).thenNothing();
        }

        @Test
        void an_active_account_is_suspended_with_a_reason_and_reactivated() {
            account.given(REGISTERED, CONFIRMED, ACTIVATED).when(new Suspend(" chargebacks ")).then(SUSPENDED);
            Account.State state = account.given(REGISTERED, CONFIRMED, ACTIVATED, SUSPENDED).when(new Reactivate())
                    .then(new AccountReactivated(ID, "ACTIVE"));
            assertThat(Account.status(state)).isEqualTo(AccountStatus.ACTIVE);
        }

        @Test
        void a_pending_account_is_suspended_and_reactivated_pending_still_able_to_confirm_with_its_code() {
            Account.State suspended = account.given(REGISTERED).when(new Suspend("chargebacks")).then(SUSPENDED);
            assertThat(Account.status(suspended)).isEqualTo(AccountStatus.SUSPENDED);
            assertThat(Account.status(suspended).mayLogIn()).isFalse();
            account.given(REGISTERED, SUSPENDED).when(new Confirm("123456")).thenError(IllegalAccountTransition.class);

            Account.State back = account.given(REGISTERED, SUSPENDED).when(new Reactivate())
                    .then(new AccountReactivated(ID, "PENDING"));
            assertThat(Account.status(back)).isEqualTo(AccountStatus.PENDING);
            account.given(REGISTERED, SUSPENDED, new AccountReactivated(ID, "PENDING")).when(new Confirm("123456"))
                    .then(CONFIRMED);
        }

        @Test
        void a_confirmed_account_is_suspended_and_reactivated_confirmed_so_that_activation_can_follow() {
            account.given(REGISTERED, CONFIRMED).when(new Suspend("chargebacks")).then(SUSPENDED);
            Account.State back = account.given(REGISTERED, CONFIRMED, SUSPENDED).when(new Reactivate())
                    .then(new AccountReactivated(ID, "CONFIRMED"));
            assertThat(Account.status(back)).isEqualTo(AccountStatus.CONFIRMED);
            account.given(REGISTERED, CONFIRMED, SUSPENDED, new AccountReactivated(ID, "CONFIRMED"))
                    .when(new Activate()).then(ACTIVATED);
        }

        @Test
        void a_reactivation_recorded_before_it_named_a_status_returns_to_active() {
            assertThat(AccountStatus.reactivatedTo(new AccountReactivated(ID, null))).isEqualTo(AccountStatus.ACTIVE);
            assertThat(AccountStatus.reactivatedTo(new AccountReactivated(ID, "PENDING"))).isEqualTo(AccountStatus.PENDING);
        }

        @Test
        void reactivating_an_account_that_is_not_suspended_changes_nothing() {
            account.given(REGISTERED).when(new Reactivate()).thenNothing();
            account.given(REGISTERED, CONFIRMED).when(new Reactivate()).thenNothing();
            account.given(REGISTERED, SUSPENDED, new AccountReactivated(ID, "PENDING")).when(new Reactivate())
                    .thenNothing();
        }

        @Test
        void repeating_the_command_that_led_here_changes_nothing() {
            account.given(REGISTERED, CONFIRMED, ACTIVATED).when(new Activate()).thenNothing();
            account.given(REGISTERED, CONFIRMED, ACTIVATED, SUSPENDED).when(new Suspend("again")).thenNothing();
            account.given(REGISTERED, CONFIRMED, ACTIVATED).when(new Reactivate()).thenNothing();
            account.given(REGISTERED, ARCHIVED).when(new Archive()).thenNothing();
        }

        @Test
        void any_live_account_can_be_archived() {
            account.given(REGISTERED).when(new Archive()).then(ARCHIVED);
            account.given(REGISTERED, CONFIRMED).when(new Archive()).then(ARCHIVED);
            account.given(REGISTERED, CONFIRMED, ACTIVATED).when(new Archive()).then(ARCHIVED);
            account.given(REGISTERED, CONFIRMED, ACTIVATED, SUSPENDED).when(new Archive()).then(ARCHIVED);
        }

        @Test
        void moves_the_lifecycle_does_not_have_are_conflicts() {
            List<Runnable> illegal = new ArrayList<>();
            illegal.add(() -> account.given(REGISTERED).when(new Activate()).thenError(IllegalAccountTransition.class));
            illegal.add(() -> account.given(REGISTERED, CONFIRMED, ACTIVATED).when(new Confirm("123456"))
                    .thenError(IllegalAccountTransition.class));
            illegal.add(() -> account.given(REGISTERED, CONFIRMED, ACTIVATED).when(new ConfirmByAdmin())
                    .thenError(IllegalAccountTransition.class));
            illegal.add(() -> account.given(REGISTERED, CONFIRMED, ACTIVATED, SUSPENDED).when(new Activate())
                    .thenError(IllegalAccountTransition.class));
            illegal.add(() -> account.given(REGISTERED, CONFIRMED, ACTIVATED, SUSPENDED).when(new Confirm("123456"))
                    .thenError(IllegalAccountTransition.class));
            for (Account.Command command : List.of(new Confirm("123456"), new ConfirmByAdmin(), new Activate(),
                    new Suspend("x"), new Reactivate())) {
                illegal.add(() -> account.given(REGISTERED, ARCHIVED).when(command)
                        .thenError(IllegalAccountTransition.class));
            }
            illegal.forEach(Runnable::run);
            IllegalAccountTransition error = account.given(REGISTERED, ARCHIVED).when(new Suspend("x"))
                    .thenError(IllegalAccountTransition.class);
            assertThat(error.kind()).isEqualTo(DomainError.Kind.CONFLICT);
            assertThat(error.getMessage()).isEqualTo("cannot suspend an account that is ARCHIVED");
        }

        @Test
        void commands_on_an_unregistered_account_are_not_found() {
            for (Account.Command command : List.of(new Confirm("1"), new ConfirmByAdmin(), new Activate(),
                    new Suspend("x"), new Reactivate(), new Archive(), new ChangeAddress(HOME), card("tok_1"),
                    new RemoveCard("tok_1"))) {
                assertThat(account.when(command).thenError(AccountNotFound.class).kind())
                        .isEqualTo(DomainError.Kind.NOT_FOUND);
            }
        }

        @Test
        void a_suspension_reason_has_a_limit() {
            account.given(REGISTERED, CONFIRMED, ACTIVATED).when(new Suspend("x".repeat(501)))
                    .thenError(ReasonTooLong.class);
        }
    }

    @Nested
    class Addresses {

        @Test
        void the_address_is_replaced_with_its_parts_trimmed() {
            account.given(REGISTERED).when(new ChangeAddress(new Address(" Ada Lovelace", "12 St James's Square ", null,
                    "London", "SW1Y 4JH", "GB"))).then(new AddressChanged(ID, HOME));
            account.given(REGISTERED, CONFIRMED, ACTIVATED, new AddressChanged(ID, HOME))
                    .when(new ChangeAddress(HOME)).then(new AddressChanged(ID, HOME));
        }

        @Test
        void an_address_needs_its_parts_within_limits() {
            account.given(REGISTERED).when(new ChangeAddress(null)).thenError(InvalidAddress.class);
            account.given(REGISTERED).when(new ChangeAddress(new Address("Ada", " ", "", "London", "1", "GB")))
                    .thenError(InvalidAddress.class);
            account.given(REGISTERED).when(new ChangeAddress(new Address("Ada", "Line", "", "London", "1".repeat(21),
                    "GB"))).thenError(InvalidAddress.class);
            account.given(REGISTERED).when(new ChangeAddress(new Address("Ada", "Line", "x".repeat(201), "London", "1",
                    "GB"))).thenError(InvalidAddress.class);
        }

        @Test
        void suspended_and_archived_accounts_keep_their_address() {
            account.given(REGISTERED, CONFIRMED, ACTIVATED, SUSPENDED).when(new ChangeAddress(HOME))
                    .thenError(AccountLocked.class);
            account.given(REGISTERED, ARCHIVED).when(new ChangeAddress(HOME)).thenError(AccountLocked.class);
        }
    }

    @Nested
    class Cards {

        @Test
        void a_card_is_saved_and_removed() {
            account.given(REGISTERED).when(card("tok_1")).then(saved("tok_1"));
            account.given(REGISTERED, saved("tok_1")).when(new RemoveCard("tok_1")).then(new CardRemoved(ID, "tok_1"));
        }

        @Test
        void saving_a_saved_card_again_changes_nothing() {
            account.given(REGISTERED, saved("tok_1")).when(card("tok_1")).thenNothing();
        }

        @Test
        void at_most_ten_cards() {
            AccountEvent[] history = new AccountEvent[11];
            history[0] = REGISTERED;
            for (int i = 1; i <= 10; i++) {
                history[i] = saved("tok_" + i);
            }
            account.given(history).when(card("tok_11")).thenError(TooManyCards.class);
            AccountEvent[] afterRemoval = java.util.Arrays.copyOf(history, 12);
            afterRemoval[11] = new CardRemoved(ID, "tok_3");
            account.given(afterRemoval).when(card("tok_11")).then(saved("tok_11"));
        }

        @Test
        void brand_last4_and_expiry_are_checked() {
            account.given(REGISTERED).when(new SaveCard("tok_1", "DINERS", "4242", 12, 2030, NOW))
                    .thenError(InvalidCard.class);
            account.given(REGISTERED).when(new SaveCard("tok_1", "visa", "4242", 12, 2030, NOW))
                    .thenError(InvalidCard.class);
            account.given(REGISTERED).when(new SaveCard("tok_1", "VISA", "424", 12, 2030, NOW))
                    .thenError(InvalidCard.class);
            account.given(REGISTERED).when(new SaveCard("tok_1", "VISA", "42a2", 12, 2030, NOW))
                    .thenError(InvalidCard.class);
            account.given(REGISTERED).when(new SaveCard("tok_1", "VISA", "4242", 13, 2030, NOW))
                    .thenError(InvalidCard.class);
            account.given(REGISTERED).when(new SaveCard("tok 1", "VISA", "4242", 12, 2030, NOW))
                    .thenError(InvalidCard.class);
            account.given(REGISTERED).when(new SaveCard("tok_1", "VISA", "4242", 12, 2999, NOW))
                    .thenError(InvalidCard.class);
        }

        @Test
        void a_card_expiring_this_month_is_still_good_but_last_month_is_not() {
            account.given(REGISTERED).when(new SaveCard("tok_1", "AMEX", "0005", 5, 2026, NOW))
                    .then(new CardSaved(ID, "tok_1", "AMEX", "0005", 5, 2026));
            account.given(REGISTERED).when(new SaveCard("tok_1", "AMEX", "0005", 4, 2026, NOW))
                    .thenError(CardExpired.class);
            account.given(REGISTERED).when(new SaveCard("tok_1", "AMEX", "0005", 12, 2025, NOW))
                    .thenError(CardExpired.class);
        }

        @Test
        void removing_an_unknown_card_is_not_found() {
            account.given(REGISTERED, saved("tok_1")).when(new RemoveCard("tok_2")).thenError(CardNotFound.class);
            account.given(REGISTERED, saved("tok_1"), new CardRemoved(ID, "tok_1")).when(new RemoveCard("tok_1"))
                    .thenError(CardNotFound.class);
        }

        @Test
        void cards_survive_suspension_but_do_not_change_during_it() {
            Account.State state = account.given(REGISTERED, saved("tok_1"), CONFIRMED, ACTIVATED, SUSPENDED)
                    .when(new Reactivate()).then(new AccountReactivated(ID, "ACTIVE"));
            assertThat(state).isEqualTo(new Account.Active(ID, new Account.Wallet(List.of("tok_1"))));
            account.given(REGISTERED, saved("tok_1"), CONFIRMED, ACTIVATED, SUSPENDED).when(new RemoveCard("tok_1"))
                    .thenError(AccountLocked.class);
            account.given(REGISTERED, CONFIRMED, ACTIVATED, SUSPENDED).when(card("tok_2"))
                    .thenError(AccountLocked.class);
        }
    }

    /**
     * What {@link AccountStatus} says an account allows (its links) is what the decider does: a command it
     * offers changes the account, one it does not is refused or changes nothing; in every status.
     */
    @Nested
    class AllowedCommands {

        @Test
        void theStatusOffers_exactlyTheCommandsTheDeciderCarriesOut() {
            List<List<AccountEvent>> histories = List.of(List.of(REGISTERED), List.of(REGISTERED, CONFIRMED),
                    List.of(REGISTERED, CONFIRMED, ACTIVATED), List.of(REGISTERED, CONFIRMED, ACTIVATED, SUSPENDED),
                    List.of(REGISTERED, SUSPENDED), List.of(REGISTERED, CONFIRMED, ACTIVATED, ARCHIVED));
            List<AccountStatus> seen = new ArrayList<>();
            for (List<AccountEvent> history : histories) {
                Account.State state = new Account.Unregistered();
                for (AccountEvent event : history) {
                    state = Account.evolve(state, event);
                }
                AccountStatus status = Account.status(state);
                seen.add(status);
                assertThat(status.suspendable()).as("suspend when %s", status)
                        .isEqualTo(changes(new Suspend("why"), state));
                assertThat(status.reactivatable()).as("reactivate when %s", status)
                        .isEqualTo(changes(new Reactivate(), state));
                assertThat(status.archivable()).as("archive when %s", status).isEqualTo(changes(new Archive(), state));
                assertThat(status.confirmable()).as("confirm when %s", status)
                        .isEqualTo(accepts(new ConfirmByAdmin(), state));
                assertThat(status.mayLogIn()).as("change the address when %s", status)
                        .isEqualTo(changes(new ChangeAddress(HOME), state));
            }
            assertThat(seen).containsOnly(AccountStatus.values());
        }

        static boolean changes(Account.Command command, Account.State state) {
            try {
                return !Account.decide(command, state).isEmpty();
            } catch (DomainError refused) {
                return false;
            }
        }

        static boolean accepts(Account.Command command, Account.State state) {
            try {
                Account.decide(command, state);
                return true;
            } catch (DomainError refused) {
                return false;
            }
        }
    }

    @Nested
    class Forgetting {

        @Test
        void forgets_an_account_in_any_state_and_it_stays_archived() {
            account.given(REGISTERED).when(new Account.Forget()).then(new AccountEvent.AccountForgotten(ID));
            account.given(REGISTERED, CONFIRMED, ACTIVATED, SUSPENDED).when(new Account.Forget())
                    .then(new AccountEvent.AccountForgotten(ID));
            Account.State state = account.given(REGISTERED, ARCHIVED).when(new Account.Forget())
                    .then(new AccountEvent.AccountForgotten(ID));
            assertThat(Account.status(state)).isEqualTo(AccountStatus.ARCHIVED);
            assertThat(state).isEqualTo(new Account.Archived(ID, true));
        }

        @Test
        void forgetting_again_changes_nothing_and_a_forgotten_account_takes_no_personal_data() {
            account.given(REGISTERED, new AccountEvent.AccountForgotten(ID)).when(new Account.Forget()).thenNothing();
            account.given(REGISTERED, new AccountEvent.AccountForgotten(ID)).when(new ChangeAddress(HOME))
                    .thenError(AccountLocked.class);
            account.given(REGISTERED, new AccountEvent.AccountForgotten(ID)).when(new Reactivate())
                    .thenError(IllegalAccountTransition.class);
            account.when(new Account.Forget()).thenError(AccountNotFound.class);
        }
    }

    @Nested
    class Sealing {

        /** What the use cases pass: seals for the account; here a visible stand-in. */
        final Account.Seal seal = clear -> "sealed(" + clear + ")";

        @Test
        void the_decider_checks_the_clear_values_and_records_them_sealed() {
            account.when(new Register(ID, new EmailAddress("ada@example.com"), " Ada Lovelace ", "CUSTOMER", "123456",
                    seal)).then(new AccountRegistered(ID, "sealed(ada@example.com)", "sealed(Ada Lovelace)", "CUSTOMER",
                    "123456"));
            account.given(REGISTERED).when(new ChangeAddress(HOME, seal)).then(new AddressChanged(ID, new Address(
                    "sealed(Ada Lovelace)", "sealed(12 St James's Square)", "", "sealed(London)", "sealed(SW1Y 4JH)",
                    "sealed(GB)")));
            account.given(REGISTERED).when(new SaveCard("tok_1", "VISA", "4242", 12, 2030, NOW, seal))
                    .then(new CardSaved(ID, "tok_1", "sealed(VISA)", "sealed(4242)", 12, 2030));
            account.when(new Register(ID, new EmailAddress("ada@example.com"), "x".repeat(201), "CUSTOMER", "1", seal))
                    .thenError(InvalidRegistration.class);
        }
    }
}
