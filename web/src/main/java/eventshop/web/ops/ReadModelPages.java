package eventshop.web.ops;

import eventshop.web.calls.Refused;
import eventshop.web.site.Csrf;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
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

    @GetMapping("/ops/read-models")
    String readModels(@RequestParam(required = false) @Nullable String started, Model model) {
        model.addAttribute("section", "read-models");
        model.addAttribute("models", feed.read());
        model.addAttribute("started", started);
        return "ops/read-models";
    }

    @GetMapping(path = LIVE, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter liveReadModels(HttpServletRequest request) {
        return live.open(ReadModelsFeed.KEY, feed, Csrf.token(request), null);
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
        try {
            ops.rebuild(service, name, confirm);
        } catch (Refused refused) {
            model.addAttribute("rebuildError", refused.detail());
            response.setStatus(refused.clientStatus());
            return confirmRebuild(service, name, model);
        }
        return "redirect:" + UriComponentsBuilder.fromPath("/ops/read-models").queryParam("started", "{key}")
                .encode().buildAndExpand(service + "/" + name).toUriString();
    }
}
