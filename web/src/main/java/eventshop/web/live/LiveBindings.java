package eventshop.web.live;

import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.web.account.AccountLive;
import eventshop.web.catalog.StockLive;
import eventshop.web.orders.OrderLive;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import tools.jackson.databind.json.JsonMapper;

/**
 * The public topics the storefront follows for its live pages, bound by Spring Cloud Stream
 * ({@code web.yml}: {@code orderSteps-in-0} reads {@code orders.events}, {@code stockLevels-in-0}
 * {@code inventory.events}, {@code accountStates-in-0} {@code accounts.events}, each in a group of its own per
 * web instance, from the end of the topic). A message is decoded once ({@link IncomingEvent#from}); one that
 * cannot be read is logged and skipped: a live page misses an update it shows again on its next render, and
 * nothing else depends on it.
 */
@Configuration(proxyBeanMethods = false)
class LiveBindings {

    private static final Logger LOG = LoggerFactory.getLogger(LiveBindings.class);

    @Bean
    Consumer<Message<byte[]>> orderSteps(OrderLive orders, JsonMapper json) {
        return message -> decoded(message, json, orders::on);
    }

    @Bean
    Consumer<Message<byte[]>> stockLevels(StockLive stock, JsonMapper json) {
        return message -> decoded(message, json, stock::on);
    }

    @Bean
    Consumer<Message<byte[]>> accountStates(AccountLive accounts, JsonMapper json) {
        return message -> decoded(message, json, accounts::on);
    }

    private static void decoded(Message<byte[]> message, JsonMapper json, Consumer<LiveEvent> handler) {
        try {
            IncomingEvent event = IncomingEvent.from(message);
            handler.accept(new LiveEvent(event, json.readTree(event.data())));
        } catch (RuntimeException unreadable) {
            LOG.warn("a live update was skipped: {}", unreadable.toString());
        }
    }
}
