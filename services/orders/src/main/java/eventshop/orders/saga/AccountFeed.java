package eventshop.orders.saga;

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
import eventshop.eventsourcing.consuming.ExactlyOnce;
import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.privacy.RemoteSubjectKeys;
import eventshop.orders.order.Orders;
import eventshop.orders.order.domain.CustomerStanding;
import eventshop.orders.customers.CustomerStandings;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Follows {@code accounts.events} (binding {@code ordersAccounts-in-0}, group {@code orders}, {@link ExactlyOnce}
 * consumer {@value #CONSUMER}): the lifecycle events set the customer's {@link CustomerStanding} in
 * {@link CustomerStandings}; {@code AccountForgotten} also drops the customer's key held in memory here; when the
 * account may no longer shop (suspended, archived, forgotten), every order of the
 * customer not yet confirmed is cancelled with compensation ({@link Orders#cancelForAccount}). The standing
 * is committed before the orders are looked for, so the saga's own look before confirming
 * ({@code Orders}) sees it from then on: whichever comes first, the account's event or an order's reply, an
 * order not yet confirmed is cancelled. Address and card events are passed over; unknown types are skipped
 * (accounts may add events); a known type that does not parse is a {@link MalformedMessage}, parked at once.
 */
@Configuration(proxyBeanMethods = false)
public class AccountFeed {

    public static final String CONSUMER = "orders-accounts";

    private static final Logger LOG = LoggerFactory.getLogger(AccountFeed.class);
    private static final JsonEventCodec<AccountEvent> CODEC = JsonEventCodec.of(AccountEvent.class);

    @Bean
    public Consumer<Message<byte[]>> ordersAccounts(ExactlyOnce exactlyOnce, CustomerStandings standings,
                                                   OpenOrders openOrders, Orders orders,
                                                   PlatformTransactionManager transactions,
                                                   ObjectProvider<RemoteSubjectKeys> keys) {
        TransactionTemplate ownTransaction = new TransactionTemplate(transactions);
        ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        return exactlyOnce.consumer(CONSUMER, event -> {
            apply(event, standings, openOrders, orders, ownTransaction);
            if (AccountForgotten.class.getSimpleName().equals(event.type())) {
                // the customer's key is destroyed at accounts: the copy held here goes at once (docs/privacy.md)
                keys.ifAvailable(held -> held.drop(event.decode(CODEC).accountId()));
            }
        });
    }

    static void apply(IncomingEvent message, CustomerStandings standings, OpenOrders openOrders, Orders orders,
                      TransactionTemplate ownTransaction) {
        if (!CODEC.typeNames().contains(message.type())) {
            LOG.debug("skipping {}: not an account event orders knows", message);
            return;
        }
        AccountEvent event = message.decode(CODEC);
        CustomerStanding standing = standingAfter(event);
        if (standing == null) {
            return;
        }
        if (event.accountId() == null || event.accountId().isBlank() || event.accountId().length() > 100) {
            throw new MalformedMessage("no usable account id in " + message);
        }
        CustomerStanding now = ownTransaction.execute(status ->
                standings.record(event.accountId(), standing, message.version()));
        if (now != null && !now.mayShop()) {
            List<String> open = openOrders.of(event.accountId());
            for (String orderId : open) {
                orders.cancelForAccount(orderId, now, message.causedContext());
            }
            if (!open.isEmpty()) {
                LOG.info("account {} is {}: {} order(s) not yet confirmed are cancelled", event.accountId(),
                        now.name().toLowerCase(), open.size());
            }
        }
    }

    /** The standing a lifecycle event gives; null for events that do not change it. */
    static CustomerStanding standingAfter(AccountEvent event) {
        return switch (event) {
            case AccountRegistered registered -> CustomerStanding.MAY_SHOP;
            case AccountConfirmed confirmed -> CustomerStanding.MAY_SHOP;
            case AccountActivated activated -> CustomerStanding.MAY_SHOP;
            case AccountReactivated reactivated -> CustomerStanding.MAY_SHOP;
            case AccountSuspended suspended -> CustomerStanding.SUSPENDED;
            case AccountArchived archived -> CustomerStanding.ARCHIVED;
            case AccountForgotten forgotten -> CustomerStanding.ARCHIVED;
            case AddressChanged changed -> null;
            case CardSaved saved -> null;
            case CardRemoved removed -> null;
        };
    }
}
