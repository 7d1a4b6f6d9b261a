package eventshop.web.ops;

import eventshop.web.ops.OpsApi.Projection;
import eventshop.web.ops.OpsApi.Replicas;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Every read model of every service (views' included): its status, and its replicas' content hashes (the active
 * generation's and a rebuild's), with the switch-overs a live viewer saw happen.
 *
 * @param services  one panel per service, in the console's order
 * @param switches  what switched over while the viewer watched, by {@link Model#key}: {@code "generation 2 → 3"}
 */
public record ReadModels(Instant at, List<ServiceModels> services, Map<String, String> switches) {

    /** One service's read models, or why they could not be read. */
    public record ServiceModels(String service, @Nullable String error, List<Model> models) {
    }

    /** A read model and its replicas (or why they could not be read). */
    public record Model(String service, Projection projection, @Nullable Replicas replicas,
                        @Nullable String replicasError) {

        public String key() {
            return service + "/" + projection.name();
        }

        public boolean rebuilding() {
            return projection.rebuild() != null;
        }

        /** A running rebuild's progress in percent, 0..100. */
        public int rebuildPercent() {
            return projection.rebuild() == null ? 0
                    : (int) Math.round(Math.max(0, Math.min(1, projection.rebuild().progress())) * 100);
        }
    }

    /** The same read models, with the switch-overs seen since {@code before} (the last the viewer was sent). */
    public ReadModels sinceLastSeen(@Nullable Map<String, Integer> before, Map<String, String> switchedBefore) {
        Map<String, String> switches = new LinkedHashMap<>(switchedBefore);
        if (before != null) {
            for (ServiceModels service : services) {
                for (Model model : service.models()) {
                    Integer was = before.get(model.key());
                    int now = model.projection().active().generation();
                    if (was != null && was != now) {
                        switches.put(model.key(), "switched over from generation " + was + " to " + now + " at " + at);
                    }
                }
            }
        }
        return new ReadModels(at, services, Map.copyOf(switches));
    }

    /** The active generation of every read model, to compare the next read with. */
    public Map<String, Integer> activeGenerations() {
        Map<String, Integer> generations = new LinkedHashMap<>();
        services.forEach(service -> service.models().forEach(model ->
                generations.put(model.key(), model.projection().active().generation())));
        return generations;
    }
}
