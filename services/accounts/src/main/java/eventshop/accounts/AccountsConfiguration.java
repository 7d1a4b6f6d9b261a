package eventshop.accounts;

import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.ConfirmationCode;
import eventshop.accounts.domain.Credentials;
import eventshop.accounts.domain.EmailClaim;
import eventshop.accounts.limits.domain.LoginFailures;
import eventshop.accounts.limits.domain.RegistrationQuota;
import eventshop.accounts.mailbox.domain.Mailbox;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.Decider;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.ops.OpsAggregate;
import eventshop.eventsourcing.relay.RelayRoutes;
import eventshop.eventstore.EventStore;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The command side (one handler per stream kind: accounts, e-mail claims, credentials, mailboxes, confirmation codes,
 * failed logins, registration quotas, each also registered for the operations console's stream view), the id
 * source, and the relay's routes.
 */
@Configuration(proxyBeanMethods = false)
public class AccountsConfiguration {

    @Bean
    public Supplier<UUID> ids() {
        return UUID::randomUUID;
    }


    @Bean
    public CommandHandler<Account.Command, AccountEvent, Account.State> accountHandler(
            EventSourcingProperties properties, EventStore store, Clock clock, Supplier<UUID> ids) {
        return handler(properties, store, clock, ids, Account.DECIDER, AccountEvent.class);
    }

    @Bean
    public CommandHandler<Mailbox.Command, Mailbox.Event, Mailbox.State> mailboxHandler(
            EventSourcingProperties properties, EventStore store, Clock clock, Supplier<UUID> ids) {
        return handler(properties, store, clock, ids, Mailbox.DECIDER, Mailbox.Event.class);
    }

    /**
     * Only the account streams are published (on {@code accounts.events}); e-mail claims, credentials, mailboxes,
     * confirmation codes, failed logins and registration quotas (which hold client addresses) stay private even if
     * {@code eventshop.relay.private-types} forgets a type.
     */
    @Bean
    public RelayRoutes accountRelayRoutes() {
        String accounts = Account.streamId("");
        return event -> event.streamId().startsWith(accounts) ? RelayRoutes.Route.events() : RelayRoutes.Route.skip();
    }

    @Bean
    public CommandHandler<EmailClaim.Command, EmailClaim.Event, EmailClaim.State> emailClaimHandler(
            EventSourcingProperties properties, EventStore store, Clock clock, Supplier<UUID> ids) {
        return handler(properties, store, clock, ids, EmailClaim.DECIDER, EmailClaim.Event.class);
    }

    @Bean
    public CommandHandler<Credentials.Command, Credentials.Event, Credentials.State> credentialsHandler(
            EventSourcingProperties properties, EventStore store, Clock clock, Supplier<UUID> ids) {
        return handler(properties, store, clock, ids, Credentials.DECIDER, Credentials.Event.class);
    }

    @Bean
    public CommandHandler<ConfirmationCode.Command, ConfirmationCode.Event, ConfirmationCode.State> confirmationCodeHandler(
            EventSourcingProperties properties, EventStore store, Clock clock, Supplier<UUID> ids) {
        return handler(properties, store, clock, ids, ConfirmationCode.DECIDER, ConfirmationCode.Event.class);
    }

    @Bean
    public CommandHandler<LoginFailures.Command, LoginFailures.Event, LoginFailures.State> loginFailuresHandler(
            EventSourcingProperties properties, EventStore store, Clock clock, Supplier<UUID> ids) {
        return handler(properties, store, clock, ids, LoginFailures.DECIDER, LoginFailures.Event.class);
    }

    @Bean
    public CommandHandler<RegistrationQuota.Command, RegistrationQuota.Event, RegistrationQuota.State> registrationQuotaHandler(
            EventSourcingProperties properties, EventStore store, Clock clock, Supplier<UUID> ids) {
        return handler(properties, store, clock, ids, RegistrationQuota.DECIDER, RegistrationQuota.Event.class);
    }

    /** A stream kind's handler: its decider, its events as JSON, the service's clock and ids. */
    private static <C, E, S> CommandHandler<C, E, S> handler(EventSourcingProperties properties, EventStore store,
                                                             Clock clock, Supplier<UUID> ids, Decider<C, E, S> decider,
                                                             Class<E> events) {
        return CommandHandler.builder(properties.serviceName(), store, decider, JsonEventCodec.of(events))
                .clock(clock).ids(ids).build();
    }

    // ---- the aggregates, for the operations console's stream view and its time travel

    @Bean
    public OpsAggregate accountAggregate(
            CommandHandler<Account.Command, AccountEvent, Account.State> accountHandler) {
        return new OpsAggregate("account", Account.streamId(""), accountHandler);
    }

    @Bean
    public OpsAggregate mailboxAggregate(
            CommandHandler<Mailbox.Command, Mailbox.Event, Mailbox.State> mailboxHandler) {
        return new OpsAggregate("mailbox", Mailbox.streamId(""), mailboxHandler);
    }

    @Bean
    public OpsAggregate emailClaimAggregate(
            CommandHandler<EmailClaim.Command, EmailClaim.Event, EmailClaim.State> emailClaimHandler) {
        return new OpsAggregate("email-claim", EmailClaim.STREAM_PREFIX, emailClaimHandler);
    }

    @Bean
    public OpsAggregate confirmationCodeAggregate(
            CommandHandler<ConfirmationCode.Command, ConfirmationCode.Event, ConfirmationCode.State> confirmationCodeHandler) {
        return new OpsAggregate("confirmation-code", ConfirmationCode.streamId(""), confirmationCodeHandler);
    }

    @Bean
    public OpsAggregate loginFailuresAggregate(
            CommandHandler<LoginFailures.Command, LoginFailures.Event, LoginFailures.State> loginFailuresHandler) {
        return new OpsAggregate("login-failures", LoginFailures.STREAM_PREFIX, loginFailuresHandler);
    }

    @Bean
    public OpsAggregate registrationQuotaAggregate(
            CommandHandler<RegistrationQuota.Command, RegistrationQuota.Event, RegistrationQuota.State> registrationQuotaHandler) {
        return new OpsAggregate("registration-quota", RegistrationQuota.STREAM_PREFIX, registrationQuotaHandler);
    }

    @Bean
    public OpsAggregate credentialsAggregate(
            CommandHandler<Credentials.Command, Credentials.Event, Credentials.State> credentialsHandler) {
        return new OpsAggregate("credentials", Credentials.streamId(""), credentialsHandler);
    }
}
