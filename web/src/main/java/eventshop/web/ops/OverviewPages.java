package eventshop.web.ops;

import eventshop.web.site.Csrf;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The console's first page ({@code /ops}): every service's log head, events per second, relay, consumer groups,
 * read models and parked messages, and edge's breakers, what is unhealthy on top; live from {@code /ops/live}.
 */
@Controller
class OverviewPages {

    static final String LIVE = "/ops/live";

    private final OverviewFeed overviews;
    private final OpsLive live;

    OverviewPages(OverviewFeed overviews, OpsLive live) {
        this.overviews = overviews;
        this.live = live;
    }

    @GetMapping({"/ops", "/ops/"})
    String overview(Model model) {
        model.addAttribute("section", "overview");
        model.addAttribute("overview", overviews.read());
        return "ops/overview";
    }

    @GetMapping(path = LIVE, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter liveOverview(HttpServletRequest request) {
        return live.open(OverviewFeed.KEY, overviews, Csrf.token(request), null);
    }
}
