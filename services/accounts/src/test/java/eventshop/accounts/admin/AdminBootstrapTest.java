package eventshop.accounts.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.accounts.Accounts;
import eventshop.accounts.AccountsTest;
import eventshop.accounts.credentials.CredentialChecks;
import eventshop.accounts.credentials.CredentialChecks.InvalidCredentials;
import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.Credentials;
import eventshop.accounts.registration.Registrations;
import eventshop.accounts.registration.Registrations.Registration;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventstore.EventStore;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@AccountsTest
class AdminBootstrapTest {

    @Autowired
    AdminBootstrap startup;
    @Autowired
    Registrations registrations;
    @Autowired
    Accounts accounts;
    @Autowired
    CredentialChecks credentials;
    @Autowired
    EventStore store;

    AdminBootstrap bootstrap(String email, String password) {
        return new AdminBootstrap(new AdminProperties(email, password, "Administrator"), registrations, accounts);
    }

    @Test
    void the_administrator_is_created_at_start_confirmed_and_may_log_in() {
        var admin = credentials.verify(AccountsTest.ADMIN_EMAIL, AccountsTest.ADMIN_PASSWORD, Optional.empty());
        assertThat(admin.role()).isEqualTo(EdgeToken.ADMIN);
        // activated by the account-lifecycle function (ActivateAccount on accounts.commands), not at start
        assertThat(accounts.state(admin.accountId())).isInstanceOfAny(Account.Confirmed.class, Account.Active.class);
    }

    @Test
    void running_again_changes_nothing_and_keeps_the_existing_password() {
        String adminId = credentials.verify(AccountsTest.ADMIN_EMAIL, AccountsTest.ADMIN_PASSWORD, Optional.empty()).accountId();
        long account = store.streamVersion(Account.streamId(adminId));
        long password = store.streamVersion(Credentials.streamId(adminId));

        assertThat(startup.ensureAdmin()).contains(adminId);
        assertThat(bootstrap(AccountsTest.ADMIN_EMAIL, "a-new-password-from-the-environment").ensureAdmin())
                .contains(adminId);

        assertThat(store.streamVersion(Account.streamId(adminId))).isEqualTo(account);
        assertThat(store.streamVersion(Credentials.streamId(adminId))).isEqualTo(password);
        assertThat(credentials.verify(AccountsTest.ADMIN_EMAIL, AccountsTest.ADMIN_PASSWORD, Optional.empty()).accountId())
                .isEqualTo(adminId);
        assertThatThrownBy(() -> credentials.verify(AccountsTest.ADMIN_EMAIL, "a-new-password-from-the-environment", Optional.empty()))
                .isInstanceOf(InvalidCredentials.class);
    }

    @Test
    void an_administrator_left_pending_by_an_interrupted_start_is_confirmed() {
        String email = "admin-" + UUID.randomUUID() + "@example.com";
        String id = registrations.register(new Registration(email, "Root", "root-password", EdgeToken.ADMIN), "x")
                .accountId(); // the start stopped here

        assertThat(bootstrap(email, "root-password").ensureAdmin()).contains(id);

        assertThat(accounts.state(id)).isInstanceOf(Account.Confirmed.class);
        assertThat(bootstrap(email, "root-password").ensureAdmin()).contains(id);
        assertThat(store.read(Account.streamId(id), 0).map(e -> e.type()).collectList().block())
                .containsExactly("AccountRegistered", "AccountConfirmed");
    }

    @Test
    void a_customer_with_the_administrator_address_is_not_promoted() {
        String email = "squatter-" + UUID.randomUUID() + "@example.com";
        String id = registrations.register(new Registration(email, "Mallory", "mallory-password", EdgeToken.CUSTOMER),
                "x").accountId();

        assertThat(bootstrap(email, "root-password").ensureAdmin()).isEmpty();

        assertThat(accounts.registration(id).orElseThrow().role()).isEqualTo(EdgeToken.CUSTOMER);
        assertThat(accounts.state(id)).isInstanceOf(Account.Pending.class);
    }

    @Test
    void without_a_password_nothing_is_ensured() {
        long head = store.headPosition();
        assertThat(bootstrap("nobody-" + UUID.randomUUID() + "@example.com", "").ensureAdmin()).isEqualTo(Optional.empty());
        assertThat(store.headPosition()).isEqualTo(head);
    }
}
