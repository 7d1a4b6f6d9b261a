package eventshop.web.ops;

import eventshop.web.ops.OpsApi.Breaker;
import eventshop.web.ops.OpsApi.ServiceOverview;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;

/**
 * The overview: every service's {@code /api/ops/<service>/overview} and edge's breakers, all asked at the same
 * time ({@link Overview}); for the page, the JSON ({@code /api/ops/overview}) and the live stream, which sends the
 * page's {@code live} fragment.
 */
@Component
class OverviewFeed implements OpsLive.Feed<Overview, Void> {

    static final String KEY = "ops:overview";

    private final Ops ops;
    private final long lagWarning;
    private final TemplateEngine templates;

    OverviewFeed(Ops ops, OpsProperties properties, TemplateEngine templates) {
        this.ops = ops;
        this.lagWarning = properties.lagWarning();
        this.templates = templates;
    }

    @Override
    public Overview read() {
        CompletableFuture<List<Breaker>> breakers = ops.start(ops::breakers);
        List<Panel<ServiceOverview>> services = ops.fromEvery(ops::overview);
        return Overview.of(Instant.now().truncatedTo(ChronoUnit.MILLIS), services, Ops.panel(Ops.EDGE, breakers),
                lagWarning);
    }

    @Override
    public OpsLive.Rendered<Void> render(Overview overview, OpsLive.Viewer<Void> viewer) {
        Context context = new Context();
        context.setVariable("overview", overview);
        return new OpsLive.Rendered<>(null, templates.process("ops/overview", Set.of("live"), context));
    }
}
