package eventshop.web.orders;

import eventshop.web.live.LiveEvent;
import eventshop.web.live.LiveStreams;
import eventshop.web.live.LiveStreams.Push;
import java.time.Instant;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;

/**
 * The live order page's stream: each public status event of {@code orders.events} for a watched order becomes
 * the order's steps fragment, pushed as the SSE event {@value #EVENT} (htmx swaps it in). The step's time is the
 * event's own timestamp, so the time since checkout is when it happened, not when the page learned it.
 */
@Component
public class OrderLive {

    static final String EVENT = "order";

    private final LiveStreams streams;
    private final TemplateEngine templates;

    public OrderLive(LiveStreams streams, TemplateEngine templates) {
        this.streams = streams;
        this.templates = templates;
    }

    static String key(String orderId) {
        return "order:" + orderId;
    }

    /** A stream for the page showing {@code steps}: sends them at once, then every step that follows. */
    SseEmitter open(OrderSteps steps) {
        return streams.open(key(steps.orderId()), steps, state -> new Push<>(state, EVENT, render(state)));
    }

    /** A status event from {@code orders.events}. */
    public void on(LiveEvent live) {
        String status = OrderSteps.STATUS_OF_EVENT.get(live.event().type());
        String orderId = live.text("orderId");
        if (status == null || orderId.isEmpty()) {
            return;
        }
        Instant at = live.event().timestamp();
        streams.<OrderSteps>publish(key(orderId), steps -> {
            OrderSteps next = steps.with(status, at, live.text("reason"), live.text("detail"),
                    live.text("previousStatus"));
            return new Push<>(next, EVENT, next == steps ? null : render(next));
        });
    }

    String render(OrderSteps steps) {
        Context context = new Context();
        context.setVariable("steps", steps);
        return templates.process("orders/order", java.util.Set.of("live"), context);
    }
}
