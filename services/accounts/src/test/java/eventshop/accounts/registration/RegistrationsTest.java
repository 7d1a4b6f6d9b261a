package eventshop.accounts.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.accounts.Accounts;
import eventshop.accounts.AccountsTest;
import eventshop.accounts.credentials.CredentialChecks;
import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.Account.Register;
import eventshop.accounts.domain.AccountErrors.EmailTaken;
import eventshop.accounts.domain.AccountErrors.InvalidEmail;
import eventshop.accounts.domain.AccountErrors.InvalidRegistration;
import eventshop.accounts.domain.Credentials;
import eventshop.accounts.domain.EmailAddress;
import eventshop.accounts.domain.EmailClaim;
import eventshop.accounts.domain.EmailClaim.Claim;
import eventshop.accounts.privacy.EmailIndex;
import eventshop.eventsourcing.privacy.Sealing;
import eventshop.accounts.registration.Registrations.Registered;
import eventshop.accounts.registration.Registrations.Registration;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.Limits;
import eventshop.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@AccountsTest
class RegistrationsTest {

    @Autowired
    Registrations registrations;
    @Autowired
    Accounts accounts;
    @Autowired
    CredentialChecks credentials;
    @Autowired
    EventStore store;
    @Autowired
    CommandHandler<EmailClaim.Command, EmailClaim.Event, EmailClaim.State> claims;
    @Autowired
    EmailIndex emailIndex;
    @Autowired
    Sealing sealing;

    static String newEmail() {
        return "user-" + UUID.randomUUID() + "@example.com";
    }

    static Registration customer(String email, String name, String password) {
        return new Registration(email, name, password, EdgeToken.CUSTOMER);
    }

    /** Every AccountRegistered in the log for this (normalized) address. */
    List<AccountEvent.AccountRegistered> registrationsOf(String email) {
        JsonEventCodec<AccountEvent> codec = JsonEventCodec.of(AccountEvent.class);
        List<AccountEvent.AccountRegistered> found = new ArrayList<>();
        for (RecordedEvent event : store.readAll(0, Limits.MAX_READ_LIMIT).toIterable()) {
            if (event.type().equals("AccountRegistered")
                    && codec.deserialize(event.type(), event.data(), 1) instanceof AccountEvent.AccountRegistered r
                    && sealing.open(r.email()).equals(EmailAddress.parse(email).value())) {
                found.add(r);
            }
        }
        return found;
    }

    @Test
    void registers_a_pending_customer_who_can_log_in() {
        String email = newEmail();
        Registered registered = registrations.register(customer(email, "Ada", "correct horse"), EdgeToken.ANONYMOUS);

        assertThat(accounts.state(registered.accountId())).isInstanceOf(Account.Pending.class);
        assertThat(registered.token().source()).isEqualTo("accounts");
        var verified = credentials.verify(email.toUpperCase(), "correct horse", Optional.empty());
        assertThat(verified.accountId()).isEqualTo(registered.accountId());
        assertThat(verified.role()).isEqualTo("CUSTOMER");
        assertThat(verified.status().name()).isEqualTo("PENDING");
    }

    @Test
    void an_address_is_taken_whatever_its_case_and_surrounding_spaces() {
        String email = newEmail();
        registrations.register(customer(email, "Ada", "correct horse"), EdgeToken.ANONYMOUS);

        assertThatThrownBy(() -> registrations.register(customer("  " + email.toUpperCase() + " ", "Eve", "other password"),
                EdgeToken.ANONYMOUS)).isInstanceOf(EmailTaken.class);
        assertThat(registrationsOf(email)).hasSize(1);
        assertThat(sealing.open(credentials.verify(email, "correct horse", Optional.empty()).name())).isEqualTo("Ada");
    }

    @Test
    void bad_input_is_refused_before_anything_is_stored() {
        long head = store.headPosition();
        assertThatThrownBy(() -> registrations.register(customer("not an address", "Ada", "correct horse"), "x"))
                .isInstanceOf(InvalidEmail.class);
        assertThatThrownBy(() -> registrations.register(customer(newEmail(), "Ada", "short"), "x"))
                .isInstanceOf(InvalidRegistration.class);
        assertThatThrownBy(() -> registrations.register(customer(newEmail(), "Ada", "x".repeat(129)), "x"))
                .isInstanceOf(InvalidRegistration.class);
        assertThat(store.headPosition()).isEqualTo(head);
    }

    @Test
    void of_concurrent_registrations_of_one_address_exactly_one_succeeds() throws Exception {
        for (int round = 0; round < 3; round++) {
            String email = newEmail();
            int racers = 3;
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> outcomes = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(racers)) {
                for (int i = 0; i < racers; i++) {
                    String password = "password-" + i;
                    outcomes.add(pool.submit(() -> {
                        start.await();
                        try {
                            return registrations.register(customer(email, "Racer", password), "x").accountId()
                                    + " " + password;
                        } catch (EmailTaken taken) {
                            return "taken";
                        }
                    }));
                }
                start.countDown();
                List<String> results = new ArrayList<>();
                for (Future<String> outcome : outcomes) {
                    results.add(outcome.get());
                }
                List<String> winners = results.stream().filter(r -> !r.equals("taken")).toList();
                assertThat(winners).hasSize(1);
                assertThat(registrationsOf(email)).hasSize(1);
                String[] winner = winners.getFirst().split(" ");
                assertThat(credentials.verify(email, winner[1], Optional.empty()).accountId()).isEqualTo(winner[0]);
            }
        }
    }

    @Nested
    class After_a_crash {

        CommandContext context = CommandContext.start(UUID.randomUUID(), "test");

        @Test
        void a_claim_without_an_account_is_finished_by_the_next_registration_of_the_address() {
            String email = newEmail();
            String orphan = UUID.randomUUID().toString();
            claims.handle(EmailClaim.streamId(emailIndex.of(EmailAddress.parse(email))), new Claim(EmailAddress.parse(email), orphan),
                    context); // the crash: nothing after the claim

            Registered registered = registrations.register(customer(email, "Ada", "correct horse"), "x");

            assertThat(registered.accountId()).isEqualTo(orphan);
            assertThat(accounts.state(orphan)).isInstanceOf(Account.Pending.class);
            assertThat(credentials.verify(email, "correct horse", Optional.empty()).accountId()).isEqualTo(orphan);
            assertThatThrownBy(() -> registrations.register(customer(email, "Eve", "other password"), "x"))
                    .isInstanceOf(EmailTaken.class);
        }

        @Test
        void an_account_without_a_password_is_finished_by_the_next_registration_of_the_address() {
            String email = newEmail();
            String orphan = UUID.randomUUID().toString();
            claims.handle(EmailClaim.streamId(emailIndex.of(EmailAddress.parse(email))), new Claim(EmailAddress.parse(email), orphan),
                    context);
            accounts.handle(orphan, new Register(orphan, EmailAddress.parse(email), "Ada", EdgeToken.CUSTOMER, "111111"),
                    context); // the crash: no password

            Registered registered = registrations.register(customer(email, "Ada", "correct horse"), "x");

            assertThat(registered.accountId()).isEqualTo(orphan);
            assertThat(credentials.verify(email, "correct horse", Optional.empty()).accountId()).isEqualTo(orphan);
            assertThat(registrationsOf(email)).hasSize(1);
        }

        @Test
        void a_customer_never_finishes_an_unfinished_administrator_registration() {
            String email = newEmail();
            String orphan = UUID.randomUUID().toString();
            claims.handle(EmailClaim.streamId(emailIndex.of(EmailAddress.parse(email))), new Claim(EmailAddress.parse(email), orphan),
                    context);
            accounts.handle(orphan, new Register(orphan, EmailAddress.parse(email), "Root", EdgeToken.ADMIN, "111111"),
                    context);

            assertThatThrownBy(() -> registrations.register(customer(email, "Mallory", "mallory-password"), "x"))
                    .isInstanceOf(EmailTaken.class);
            assertThat(store.streamVersion(Credentials.streamId(orphan))).isEqualTo(-1);

            Registered admin = registrations.register(new Registration(email, "Root", "admin-password", EdgeToken.ADMIN),
                    "x");
            assertThat(admin.accountId()).isEqualTo(orphan);
            assertThat(credentials.verify(email, "admin-password", Optional.empty()).role()).isEqualTo(EdgeToken.ADMIN);
        }
    }

    @Test
    void every_private_event_type_is_kept_from_the_relay(@Autowired org.springframework.core.env.Environment environment) {
        java.util.Set<String> kept = java.util.Set.of(
                environment.getRequiredProperty("eventshop.relay.private-types").split("\\s*,\\s*"));
        assertThat(kept).containsAll(JsonEventCodec.of(EmailClaim.Event.class).typeNames())
                .containsAll(JsonEventCodec.of(Credentials.Event.class).typeNames())
                .doesNotContainAnyElementsOf(JsonEventCodec.of(AccountEvent.class).typeNames());
    }

    @Test
    void no_published_event_holds_a_password_hash() {
        registrations.register(customer(newEmail(), "Ada", "correct horse"), "x");

        JsonEventCodec<AccountEvent> published = JsonEventCodec.of(AccountEvent.class);
        int seen = 0;
        for (RecordedEvent event : store.readAll(0, Limits.MAX_READ_LIMIT).toIterable()) {
            String json = new String(event.data(), StandardCharsets.UTF_8);
            if (published.typeNames().contains(event.type())) {
                seen++;
                assertThat(json).doesNotContain("argon2").doesNotContainIgnoringCase("password");
            } else if (event.type().startsWith("Email") || event.type().equals("PasswordSet")) {
                // claims under the blind index, or under the plain SHA-256 as earlier versions made them
                assertThat(event.streamId()).matches(event.type().equals("PasswordSet")
                        ? "credentials-[0-9a-f-]{36}" : "email-(b-)?[0-9a-f]{64}");
            } else {
                // the other private events: mailboxes, confirmation codes, failed logins, registration quotas
                assertThat(event.streamId()).matches("(mailbox|confirmation|login-failures|registrations-from)-.+");
                assertThat(json).doesNotContain("argon2");
            }
            if (event.type().equals("PasswordSet")) {
                assertThat(json).contains("$argon2id$");
            }
        }
        assertThat(seen).isPositive();
    }

    @Nested
    class Claims_made_before_the_blind_index {

        CommandContext context = CommandContext.start(UUID.randomUUID(), "test");

        @Test
        void an_address_claimed_under_its_sha256_stays_taken() {
            Registered first = registrations.register(customer(newEmail(), "Ada", "correct horse"), "x");
            EmailAddress old = EmailAddress.parse(newEmail());
            // what an earlier version stored: the claim under the address's plain SHA-256, the address in clear
            claims.handle(EmailClaim.legacyStreamId(old), new Claim(old, first.accountId()), context);

            assertThat(EmailClaim.streamId(emailIndex.of(old))).matches("email-b-[0-9a-f]{64}")
                    .doesNotContain(old.sha256());
            assertThatThrownBy(() -> registrations.register(customer(old.value(), "Eve", "other password"), "x"))
                    .isInstanceOf(EmailTaken.class);
        }
    }
}
