package eventshop.web.ops;

import eventshop.web.ops.OpsApi.Event;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The audit ({@code /ops/audit}): the newest {@code OpsActionTaken} events of every service (who did what, when
 * and why: every console action is one, in the log of the service it acted on), merged newest first.
 */
@Controller
class AuditPages {

    static final int LIMIT = 50;

    /** An audit event and the service whose log holds it. */
    record Audited(String service, Event event) {

        /** A text member of the event's data (empty if absent). */
        public String text(String field) {
            return event.data() == null || event.data().path(field).isMissingNode() || event.data().path(field).isNull()
                    ? "" : event.data().path(field).asString("");
        }
    }

    private final Ops ops;

    AuditPages(Ops ops) {
        this.ops = ops;
    }

    @GetMapping("/ops/audit")
    String audit(Model model) {
        model.addAttribute("section", "audit");
        List<Panel<List<Event>>> answers = ops.fromEvery(service -> ops.audit(service, LIMIT));
        List<Audited> audited = new ArrayList<>();
        answers.forEach(answer -> {
            if (answer.ok()) {
                answer.value().forEach(event -> audited.add(new Audited(answer.service(), event)));
            }
        });
        audited.sort(Comparator.comparing((Audited entry) -> entry.event().recordedAt()).reversed()
                .thenComparing(Audited::service));
        model.addAttribute("entries", audited);
        model.addAttribute("failures", answers.stream().filter(answer -> !answer.ok()).toList());
        return "ops/audit";
    }
}
