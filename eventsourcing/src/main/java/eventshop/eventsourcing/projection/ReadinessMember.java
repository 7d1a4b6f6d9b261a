package eventshop.eventsourcing.projection;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Adds a health contributor to the {@code readiness} group without configuration, so that every
 * service using the starter is unready until its read models have caught up (DESIGN §8). Works
 * whether it runs before or after Boot's availability-probes post-processor, and with a readiness
 * group the application configured itself. Other starters can add their contributors the same way.
 */
public final class ReadinessMember implements HealthEndpointGroupsPostProcessor {

    static final String READINESS = "readiness";

    private final String member;

    /** @param member the health contributor's name, for example {@code projectionsReadiness} */
    public ReadinessMember(String member) {
        this.member = member;
    }

    @Override
    public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
        HealthEndpointGroup readiness = groups.get(READINESS);
        HealthEndpointGroup withMember = readiness != null ? new WithMember(readiness, member)
                : new WithMember(new MinimalReadiness(groups.getPrimary()), member);
        return new Groups(groups, withMember);
    }

    /** The groups as they were, with the readiness group replaced. */
    private record Groups(HealthEndpointGroups delegate, HealthEndpointGroup readiness)
            implements HealthEndpointGroups, AdditionalPathsMapper {

        @Override
        public HealthEndpointGroup getPrimary() {
            return delegate.getPrimary();
        }

        @Override
        public Set<String> getNames() {
            Set<String> names = new LinkedHashSet<>(delegate.getNames());
            names.add(READINESS);
            return names;
        }

        @Override
        public @Nullable HealthEndpointGroup get(String name) {
            return READINESS.equals(name) ? readiness : delegate.get(name);
        }

        @Override
        public @Nullable List<String> getAdditionalPaths(EndpointId endpointId, WebServerNamespace namespace) {
            return delegate instanceof AdditionalPathsMapper mapper ? mapper.getAdditionalPaths(endpointId, namespace)
                    : null;
        }
    }

    /** A group with one more member. */
    private record WithMember(HealthEndpointGroup delegate, String member) implements HealthEndpointGroup {

        @Override
        public boolean isMember(String name) {
            return member.equals(name) || delegate.isMember(name);
        }

        @Override
        public boolean showComponents(SecurityContext securityContext) {
            return delegate.showComponents(securityContext);
        }

        @Override
        public boolean showDetails(SecurityContext securityContext) {
            return delegate.showDetails(securityContext);
        }

        @Override
        public StatusAggregator getStatusAggregator() {
            return delegate.getStatusAggregator();
        }

        @Override
        public HttpCodeStatusMapper getHttpCodeStatusMapper() {
            return delegate.getHttpCodeStatusMapper();
        }

        @Override
        public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
            return delegate.getAdditionalPath();
        }
    }

    /** Boot's default readiness group (readinessState), before Boot creates it; shown like the primary group. */
    private record MinimalReadiness(HealthEndpointGroup primary) implements HealthEndpointGroup {

        @Override
        public boolean isMember(String name) {
            return "readinessState".equals(name);
        }

        @Override
        public boolean showComponents(SecurityContext securityContext) {
            return primary.showComponents(securityContext);
        }

        @Override
        public boolean showDetails(SecurityContext securityContext) {
            return primary.showDetails(securityContext);
        }

        @Override
        public StatusAggregator getStatusAggregator() {
            return StatusAggregator.getDefault();
        }

        @Override
        public HttpCodeStatusMapper getHttpCodeStatusMapper() {
            return HttpCodeStatusMapper.DEFAULT;
        }

        @Override
        public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
            return null;
        }
    }
}
