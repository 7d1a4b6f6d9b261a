package eventshop.accounts;

import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.Credentials;
import eventshop.accounts.domain.EmailClaim;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventstore.EventStore;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The command side (one handler per stream kind: accounts, e-mail claims, credentials), the id source, and JSON strictness. */
@Configuration(proxyBeanMethods = false)
public class AccountsConfiguration {

    @Bean
    public Supplier<UUID> ids() {
        return UUID::randomUUID;
    }

    /** A name or password sent as a number or boolean is a 400, not quietly turned into text. */
    @Bean
    public JsonMapperBuilderCustomizer textIsText() {
        return builder -> builder.withCoercionConfig(LogicalType.Textual, text -> text
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    @Bean
    public CommandHandler<Account.Command, AccountEvent, Account.State> accountHandler(
            EventSourcingProperties properties, EventStore store, Clock clock, Supplier<UUID> ids) {
        return CommandHandler.builder(properties.serviceName(), store, Account.DECIDER,
                JsonEventCodec.of(AccountEvent.class)).clock(clock).ids(ids).build();
    }

    @Bean
    public CommandHandler<EmailClaim.Command, EmailClaim.Event, EmailClaim.State> emailClaimHandler(
            EventSourcingProperties properties, EventStore store, Clock clock, Supplier<UUID> ids) {
        return CommandHandler.builder(properties.serviceName(), store, EmailClaim.DECIDER,
                JsonEventCodec.of(EmailClaim.Event.class)).clock(clock).ids(ids).build();
    }

    @Bean
    public CommandHandler<Credentials.Command, Credentials.Event, Credentials.State> credentialsHandler(
            EventSourcingProperties properties, EventStore store, Clock clock, Supplier<UUID> ids) {
        return CommandHandler.builder(properties.serviceName(), store, Credentials.DECIDER,
                JsonEventCodec.of(Credentials.Event.class)).clock(clock).ids(ids).build();
    }
}
