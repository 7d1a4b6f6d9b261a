package eventshop.web.ops;

import eventshop.web.calls.Refused;
import jakarta.servlet.http.HttpServletResponse;
import eventshop.web.ops.OpsApi.EventPage;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The log explorer: a service's log a page at a time with filters ({@code /ops/log/<service>}), one event with its
 * Kafka record ({@code /ops/log/<service>/<position>}) and the unmask action on it, one stream with its aggregate's
 * state at any version ({@code /ops/streams/<service>/<stream>}), and one correlation across every service
 * ({@code /ops/correlations/<id>}). Reads only, but for the unmask, which posts to the service (that audits it) and
 * shows the one value on this page, never in an address.
 */
@Controller
class LogPages {

    private final Ops ops;
    private final Correlations correlations;

    LogPages(Ops ops, Correlations correlations) {
        this.ops = ops;
        this.correlations = correlations;
    }

    @GetMapping("/ops/log")
    String services(Model model) {
        model.addAttribute("section", "log");
        model.addAttribute("services", ops.services());
        return "ops/log-services";
    }

    @GetMapping("/ops/log/{service}")
    String log(@PathVariable String service, @ModelAttribute("form") LogForm form, Model model,
               HttpServletResponse response) {
        model.addAttribute("section", "log");
        model.addAttribute("service", ops.known(service));
        model.addAttribute("services", ops.services());
        Map<String, String> errors = form.errors();
        model.addAttribute("errors", errors);
        if (!errors.isEmpty()) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return "ops/log";
        }
        try {
            EventPage page = ops.events(service, form.query());
            model.addAttribute("page", page);
            model.addAttribute("olderLink", page.older() == null ? null : form.link(service, "before", page.older()));
            model.addAttribute("newerLink", page.newer() == null ? null : form.link(service, "after", page.newer()));
        } catch (Refused refused) {
            response.setStatus(refused.clientStatus());
            model.addAttribute("refusal", refused.detail());
        }
        return "ops/log";
    }

    @GetMapping("/ops/log/{service}/{position}")
    String event(@PathVariable String service, @PathVariable long position, Model model) {
        model.addAttribute("section", "log");
        model.addAttribute("service", ops.known(service));
        model.addAttribute("found", ops.event(service, position));
        return "ops/event";
    }

    @PostMapping("/ops/log/{service}/{position}/unmask")
    String unmask(@PathVariable String service, @PathVariable long position,
                  @RequestParam(required = false) @Nullable String field, Model model, HttpServletResponse response) {
        ops.known(service);
        if (field == null || field.isBlank()) {
            model.addAttribute("unmaskError", "Choose a masked field to unmask.");
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
        } else {
            try {
                model.addAttribute("unmasked", ops.unmask(service, position, field));
            } catch (Refused refused) {
                model.addAttribute("unmaskError", refused.detail());
                response.setStatus(refused.clientStatus());
            }
        }
        return event(service, position, model);
    }

    @GetMapping("/ops/streams/{service}/{streamId}")
    String stream(@PathVariable String service, @PathVariable String streamId,
                  @RequestParam(required = false) @Nullable Long version, Model model) {
        model.addAttribute("section", "log");
        model.addAttribute("service", ops.known(service));
        OpsApi.StreamView stream = ops.stream(service, streamId, version);
        model.addAttribute("stream", stream);
        model.addAttribute("selected", stream.events().stream().filter(event -> event.version() == stream.version())
                .findFirst().orElse(null));
        return "ops/stream";
    }

    @GetMapping("/ops/correlations/{correlationId}")
    String correlation(@PathVariable String correlationId, Model model) {
        model.addAttribute("section", "log");
        model.addAttribute("story", correlations.of(correlationId));
        return "ops/correlation";
    }
}
