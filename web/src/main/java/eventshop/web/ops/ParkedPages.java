package eventshop.web.ops;

import eventshop.web.calls.Refused;
import eventshop.web.ops.OpsApi.ReplayAll;
import eventshop.web.ops.OpsApi.ReplayJob;
import eventshop.web.site.Csrf;
import eventshop.web.site.Forms;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.util.UriComponentsBuilder;
import org.thymeleaf.TemplateEngine;

/**
 * Parked messages ({@code /ops/parked}): every service's dead-letter topics with each message's payload, headers
 * and error; replay one, discard one with a reason, or replay all of a topic in chunks up to a stop offset, which
 * runs as a job at the service ({@code /ops/parked/<service>/jobs/<id>}, live from
 * {@code /ops/live/parked/<service>/jobs/<id>}, with a stop button). That a message is replayed at most once is
 * the service's rule (it answers 409); a refusal is shown on the page.
 */
@Controller
class ParkedPages {

    static final String LIVE = "/ops/live/parked";
    static final int CHUNK = 50;

    private final Ops ops;
    private final OpsLive live;
    private final TemplateEngine templates;

    ParkedPages(Ops ops, OpsLive live, TemplateEngine templates) {
        this.ops = ops;
        this.live = live;
        this.templates = templates;
    }

    @GetMapping("/ops/parked")
    String parked(@RequestParam(required = false) @Nullable String replayed,
                  @RequestParam(required = false) @Nullable String discarded, Model model) {
        model.addAttribute("section", "parked");
        model.addAttribute("services", ops.fromEvery(ops::parked));
        model.addAttribute("replayed", replayed);
        model.addAttribute("discarded", discarded);
        return "ops/parked";
    }

    @PostMapping("/ops/parked/{service}/replay")
    String replay(@PathVariable String service, @RequestParam(required = false) @Nullable String id, Model model,
                  HttpServletResponse response) {
        ops.known(service);
        if (id == null || id.isBlank()) {
            return refusedHere(model, response, 422, "Choose a message to replay.");
        }
        try {
            ops.replay(service, id);
        } catch (Refused refused) {
            return refusedHere(model, response, refused.clientStatus(), "Not replayed: " + refused.detail());
        }
        return redirect("/ops/parked", "replayed", id);
    }

    @PostMapping("/ops/parked/{service}/discard")
    String discard(@PathVariable String service, @RequestParam(required = false) @Nullable String id,
                   @RequestParam(required = false) @Nullable String reason, Model model, HttpServletResponse response) {
        ops.known(service);
        if (id == null || id.isBlank() || reason == null || reason.isBlank()) {
            return refusedHere(model, response, 422, "Not discarded: a discarded message needs a reason.");
        }
        try {
            ops.discard(service, id, reason.strip());
        } catch (Refused refused) {
            return refusedHere(model, response, refused.clientStatus(), "Not discarded: " + refused.detail());
        }
        return redirect("/ops/parked", "discarded", id);
    }

    @PostMapping("/ops/parked/{service}/replay-all")
    String replayAll(@PathVariable String service, @RequestParam(required = false) @Nullable String topic,
                     @RequestParam(required = false) @Nullable String upTo,
                     @RequestParam(required = false) @Nullable String chunk, Model model,
                     HttpServletResponse response) {
        ops.known(service);
        Integer stopAt = upTo == null || upTo.isBlank() ? null : Forms.wholeNumber(upTo);
        Integer size = chunk == null || chunk.isBlank() ? Integer.valueOf(CHUNK) : Forms.wholeNumber(chunk);
        if (topic == null || topic.isBlank() || upTo != null && !upTo.isBlank() && (stopAt == null || stopAt < 0)
                || size == null || size < 1) {
            return refusedHere(model, response, 422, "Not replayed: a topic, a stop offset that is a whole number (or"
                    + " none) and a chunk size of 1 or more are needed.");
        }
        ReplayJob job;
        try {
            job = ops.replayAll(service, new ReplayAll(topic, stopAt == null ? null : stopAt.longValue(), size));
        } catch (Refused refused) {
            return refusedHere(model, response, refused.clientStatus(), "Not replayed: " + refused.detail());
        }
        return "redirect:" + jobPage(service, job.id());
    }

    @GetMapping("/ops/parked/{service}/jobs/{id}")
    String job(@PathVariable String service, @PathVariable String id, Model model) {
        model.addAttribute("section", "parked");
        model.addAttribute("service", ops.known(service));
        model.addAttribute("jobId", id);
        model.addAttribute("job", feed(service, id).read());
        model.addAttribute("live", UriComponentsBuilder.fromPath(LIVE + "/{service}/jobs/{id}").encode()
                .buildAndExpand(service, id).toUriString());
        return "ops/job";
    }

    @PostMapping("/ops/parked/{service}/jobs/{id}/stop")
    String stop(@PathVariable String service, @PathVariable String id) {
        ops.known(service);
        ops.stopJob(service, id);
        return "redirect:" + jobPage(service, id);
    }

    @GetMapping(path = LIVE + "/{service}/jobs/{id}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter liveJob(@PathVariable String service, @PathVariable String id, HttpServletRequest request) {
        ops.known(service);
        return live.open(JobFeed.key(service, id), feed(service, id), Csrf.token(request), null);
    }

    private JobFeed feed(String service, String id) {
        return new JobFeed(ops, templates, service, id);
    }

    private String refusedHere(Model model, HttpServletResponse response, int status, String message) {
        response.setStatus(status);
        model.addAttribute("actionError", message);
        return parked(null, null, model);
    }

    static String jobPage(String service, String id) {
        return UriComponentsBuilder.fromPath("/ops/parked/{service}/jobs/{id}").encode().buildAndExpand(service, id)
                .toUriString();
    }

    private static String redirect(String path, String parameter, String value) {
        return "redirect:" + UriComponentsBuilder.fromPath(path).queryParam(parameter, "{value}").encode()
                .buildAndExpand(value).toUriString();
    }
}
