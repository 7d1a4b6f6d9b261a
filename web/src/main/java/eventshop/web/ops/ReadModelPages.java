package eventshop.web.ops;

import eventshop.web.calls.Refused;
import eventshop.web.site.Csrf;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The read models ({@code /ops/read-models}): every projection's status and replica hashes, live from
 * {@code /ops/live/read-models}; a rebuild is confirmed first on a page that says how many events it will replay
 * ({@code GET .../rebuild}), then started by a form post with that number (the service refuses a stale one).
 */
@Controller
class ReadModelPages {

    static final String LIVE = "/ops/live/read-models";

    private final Ops ops;
    private final ReadModelsFeed feed;
    private final OpsLive live;

    ReadModelPages(Ops ops, ReadModelsFeed feed, OpsLive live) {
        this.ops = ops;
        this.feed = feed;
        this.live = live;
    }

    /**
     * The read models; after a rebuild was started, {@code started} names it ({@code service/name}) and {@code from}
     * the generation that was active then, so that the page (and its live stream, which is told the same) says when
     * the new generation took over, even if that happened before the page was shown.
     */
    @GetMapping("/ops/read-models")
    String readModels(@RequestParam(required = false) @Nullable String started,
                      @RequestParam(required = false) @Nullable Integer from, Model model) {
        model.addAttribute("section", "read-models");
        ReadModelsFeed.Seen seen = seenBefore(started, from);
        ReadModels models = feed.read();
        model.addAttribute("models", seen == null ? models : models.sinceLastSeen(seen.generations(), Map.of()));
        model.addAttribute("started", started);
        model.addAttribute("live", seen == null ? LIVE : UriComponentsBuilder.fromPath(LIVE)
                .queryParam("started", "{started}").queryParam("from", from).encode().buildAndExpand(started)
                .toUriString());
        return "ops/read-models";
    }

    @GetMapping(path = LIVE, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter liveReadModels(@RequestParam(required = false) @Nullable String started,
                              @RequestParam(required = false) @Nullable Integer from, HttpServletRequest request) {
        return live.open(ReadModelsFeed.KEY, feed, Csrf.token(request), seenBefore(started, from));
    }

    /** What a viewer who started a rebuild saw before it: the generation then active (nothing for a malformed pair). */
    private static ReadModelsFeed.@Nullable Seen seenBefore(@Nullable String started, @Nullable Integer from) {
        if (started == null || from == null || from < 1 || started.length() > 200 || !started.contains("/")) {
            return null;
        }
        return new ReadModelsFeed.Seen(Map.of(started, from), Map.of());
    }

    @GetMapping("/ops/read-models/{service}/{name}/rebuild")
    String confirmRebuild(@PathVariable String service, @PathVariable String name, Model model) {
        model.addAttribute("section", "read-models");
        model.addAttribute("service", ops.known(service));
        model.addAttribute("plan", ops.rebuildPlan(service, name));
        return "ops/rebuild";
    }

    @PostMapping("/ops/read-models/{service}/{name}/rebuild")
    String rebuild(@PathVariable String service, @PathVariable String name,
                   @RequestParam(required = false) @Nullable Long confirm, Model model, HttpServletResponse response) {
        ops.known(service);
        if (confirm == null) {
            model.addAttribute("rebuildError", "Confirm the number of events the rebuild will replay.");
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return confirmRebuild(service, name, model);
        }
        int from;
        try {
            from = ops.rebuild(service, name, confirm);
        } catch (Refused refused) {
            model.addAttribute("rebuildError", refused.detail());
            response.setStatus(refused.clientStatus());
            return confirmRebuild(service, name, model);
        }
        return "redirect:" + UriComponentsBuilder.fromPath("/ops/read-models").queryParam("started", "{key}")
                .queryParam("from", from).encode().buildAndExpand(service + "/" + name).toUriString();
    }
}
