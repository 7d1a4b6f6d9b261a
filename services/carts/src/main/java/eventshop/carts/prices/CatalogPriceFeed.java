package eventshop.carts.prices;

import eventshop.contracts.catalog.CatalogEvent;
import eventshop.eventsourcing.consuming.ExactlyOnce;
import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.decider.JsonEventCodec;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * Keeps {@link Prices} up to date from the catalog's events: the Spring Cloud Stream consumer
 * {@code catalogPrices} of {@code catalog.events}, group {@code carts} (see {@code carts.yml}),
 * applying each event once ({@link ExactlyOnce}: the processed-message record and the price row
 * commit together). Event types it does not know (added to the catalog's contract later) are
 * skipped; a known type that does not parse fails and, after the retries, is parked.
 */
@Configuration(proxyBeanMethods = false)
public class CatalogPriceFeed {

    /** The consumer's name in {@code processed_messages}. */
    public static final String CONSUMER = "carts-prices";

    private static final Logger log = LoggerFactory.getLogger(CatalogPriceFeed.class);
    private static final JsonEventCodec<CatalogEvent> CODEC = JsonEventCodec.of(CatalogEvent.class);

    @Bean
    public Consumer<Message<byte[]>> catalogPrices(ExactlyOnce exactlyOnce, Prices prices) {
        return exactlyOnce.consumer(CONSUMER, event -> apply(event, prices));
    }

    static void apply(IncomingEvent event, Prices prices) {
        if (!CODEC.typeNames().contains(event.type())) {
            log.debug("skipping {}: not a price event", event);
            return;
        }
        prices.apply(CODEC.deserialize(event.type(), event.data(), event.schemaVersion()), event.version());
    }
}
