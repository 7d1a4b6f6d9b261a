package eventshop.web.catalog;

import eventshop.web.live.LiveEvent;
import eventshop.web.live.LiveStreams;
import eventshop.web.live.LiveStreams.Push;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;

/**
 * Live availability on the product page: every stock event of {@code inventory.events} carries the sku's
 * {@code onHand} and {@code reserved} after it, so the number available is pushed as it changes (another
 * customer's checkout reserving the last units shows at once), as the SSE event {@value #EVENT}.
 */
@Component
public class StockLive {

    static final String EVENT = "available";
    private static final Set<String> STOCK_EVENTS = Set.of("StockReceived", "StockAllocated", "StockDeallocated",
            "StockDispatched");

    /** What the page shows: the sku and how many are available (never below 0). */
    public record Availability(String sku, int available) {
    }

    private final LiveStreams streams;
    private final TemplateEngine templates;

    public StockLive(LiveStreams streams, TemplateEngine templates) {
        this.streams = streams;
        this.templates = templates;
    }

    static String key(String sku) {
        return "sku:" + sku;
    }

    SseEmitter open(Availability now) {
        return streams.open(key(now.sku()), now, state -> new Push<>(state, EVENT, render(state)));
    }

    public void on(LiveEvent live) {
        if (!STOCK_EVENTS.contains(live.event().type())) {
            return;
        }
        String sku = live.text("sku");
        int available = Math.max(0, live.data().path("onHand").asInt() - live.data().path("reserved").asInt());
        streams.<Availability>publish(key(sku), before -> {
            Availability after = new Availability(sku, available);
            return new Push<>(after, EVENT, after.equals(before) ? null : render(after));
        });
    }

    String render(Availability availability) {
        Context context = new Context();
        context.setVariable("availability", availability);
        return templates.process("catalog/product", Set.of("available"), context);
    }
}
