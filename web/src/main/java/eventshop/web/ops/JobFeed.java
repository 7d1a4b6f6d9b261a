package eventshop.web.ops;

import eventshop.web.ops.OpsApi.ReplayJob;
import java.util.Set;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;

/** One replay-all job's progress, for its page and its live stream (the job page's {@code live} fragment). */
final class JobFeed implements OpsLive.Feed<Panel<ReplayJob>, Void> {

    private final Ops ops;
    private final TemplateEngine templates;
    private final String service;
    private final String id;

    JobFeed(Ops ops, TemplateEngine templates, String service, String id) {
        this.ops = ops;
        this.templates = templates;
        this.service = service;
        this.id = id;
    }

    static String key(String service, String id) {
        return "ops:job:" + service + ":" + id;
    }

    @Override
    public Panel<ReplayJob> read() {
        return Ops.panel(service, ops.start(() -> ops.job(service, id)));
    }

    @Override
    public OpsLive.Rendered<Void> render(Panel<ReplayJob> job, OpsLive.Viewer<Void> viewer) {
        Context context = new Context();
        context.setVariable("service", service);
        context.setVariable("jobId", id);
        context.setVariable("job", job);
        context.setVariable("csrf", viewer.csrf());
        return new OpsLive.Rendered<>(null, templates.process("ops/job", Set.of("live"), context));
    }
}
