package eventshop.web.account;

import eventshop.web.live.LiveEvent;
import eventshop.web.live.LiveStreams;
import eventshop.web.live.LiveStreams.Push;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;

/**
 * The account page's live status: a confirmed account becomes ACTIVE when the account-lifecycle function has
 * activated it, a moment later; {@code accounts.events} tells the page, which shows the change as it happens
 * (SSE event {@value #EVENT}). Only the lifecycle events change the status.
 */
@Component
public class AccountLive {

    static final String EVENT = "status";

    /** The lifecycle events and the status each one leaves (a confirmed account stays PENDING until activated). */
    private static final Map<String, String> STATUS_OF_EVENT = Map.of(
            "AccountConfirmed", "PENDING",
            "AccountActivated", "ACTIVE",
            "AccountSuspended", "SUSPENDED",
            "AccountArchived", "ARCHIVED",
            "AccountForgotten", "ARCHIVED");

    /** What the page shows: the status, and whether the account is confirmed. */
    public record Standing(String accountId, String status, boolean confirmed) {
    }

    private final LiveStreams streams;
    private final TemplateEngine templates;

    public AccountLive(LiveStreams streams, TemplateEngine templates) {
        this.streams = streams;
        this.templates = templates;
    }

    static String key(String accountId) {
        return "account:" + accountId;
    }

    SseEmitter open(Standing now) {
        return streams.open(key(now.accountId()), now, state -> new Push<>(state, EVENT, render(state)));
    }

    public void on(LiveEvent live) {
        String type = live.event().type();
        String status = "AccountReactivated".equals(type) ? live.text("status") : STATUS_OF_EVENT.get(type);
        String accountId = live.text("accountId");
        if (status == null || status.isEmpty() || accountId.isEmpty()) {
            return;
        }
        streams.<Standing>publish(key(accountId), before -> {
            Standing after = new Standing(accountId, status, before.confirmed() || !Set.of("PENDING").contains(status)
                    || "AccountConfirmed".equals(type));
            return new Push<>(after, EVENT, after.equals(before) ? null : render(after));
        });
    }

    String render(Standing standing) {
        Context context = new Context();
        context.setVariable("standing", standing);
        return templates.process("account/account", Set.of("standing"), context);
    }
}
