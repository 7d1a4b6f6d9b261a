package eventshop.web.ops;

import eventshop.web.ops.OpsApi.Projection;
import eventshop.web.ops.OpsApi.Replicas;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;

/**
 * The read models page's data: every service's projections at the same time, then every projection's replicas at
 * the same time. Live, each viewer remembers the active generations it was last sent, so the fragment says when a
 * rebuild switched over.
 */
@Component
class ReadModelsFeed implements OpsLive.Feed<ReadModels, ReadModelsFeed.Seen> {

    static final String KEY = "ops:read-models";

    /** What a viewer was last sent: the active generations, and the switch-overs seen so far. */
    record Seen(Map<String, Integer> generations, Map<String, String> switches) {
    }

    private final Ops ops;
    private final TemplateEngine templates;

    ReadModelsFeed(Ops ops, TemplateEngine templates) {
        this.ops = ops;
        this.templates = templates;
    }

    @Override
    public ReadModels read() {
        List<Panel<List<Projection>>> services = ops.fromEvery(ops::projections);
        List<List<CompletableFuture<Replicas>>> replicas = new ArrayList<>();
        for (Panel<List<Projection>> service : services) {
            List<CompletableFuture<Replicas>> started = new ArrayList<>();
            for (Projection projection : service.ok() ? service.value() : List.<Projection>of()) {
                started.add(ops.start(() -> ops.replicas(service.service(), projection.name())));
            }
            replicas.add(started);
        }
        List<ReadModels.ServiceModels> panels = new ArrayList<>();
        for (int s = 0; s < services.size(); s++) {
            Panel<List<Projection>> service = services.get(s);
            List<ReadModels.Model> models = new ArrayList<>();
            for (int p = 0; p < replicas.get(s).size(); p++) {
                Panel<Replicas> hashes = Ops.panel(service.service(), replicas.get(s).get(p));
                models.add(new ReadModels.Model(service.service(), service.value().get(p), hashes.value(),
                        hashes.error()));
            }
            panels.add(new ReadModels.ServiceModels(service.service(), service.error(), List.copyOf(models)));
        }
        return new ReadModels(Instant.now().truncatedTo(ChronoUnit.MILLIS), List.copyOf(panels), Map.of());
    }

    @Override
    public OpsLive.Rendered<Seen> render(ReadModels models, OpsLive.Viewer<Seen> viewer) {
        Seen seen = viewer.memory();
        ReadModels shown = seen == null ? models : models.sinceLastSeen(seen.generations(), seen.switches());
        Context context = new Context();
        context.setVariable("models", shown);
        return new OpsLive.Rendered<>(new Seen(shown.activeGenerations(), shown.switches()),
                templates.process("ops/read-models", Set.of("live"), context));
    }
}
