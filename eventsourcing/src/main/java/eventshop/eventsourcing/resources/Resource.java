package eventshop.eventsourcing.resources;

import java.util.ArrayList;
import java.util.List;
import org.springframework.hateoas.EntityModel;
import org.springframework.hateoas.IanaLinkRelations;
import org.springframework.hateoas.Link;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * A resource as the services answer it: its fields unchanged, and {@code _links} in HAL form (Spring HATEOAS
 * renders {@link EntityModel} as {@code application/hal+json}): {@code self}, {@code events} (the resource's
 * event log) and one link per command the resource allows in its current state and to the caller, named by
 * the command ({@code cancel}, {@code add-item}). Which commands those are is the aggregate's to say (a method
 * of its state or status), never the controller's.
 *
 * <p>Every href is a path from the origin ({@code /api/orders/42/cancel}), not an absolute URL: the services
 * serve the same paths that edge routes ({@code http://localhost:8080/api/...}), so a link resolves against
 * whatever address the client called, edge or the service itself, with no {@code X-Forwarded-*} header to
 * trust. A path with a {@code {variable}} is a templated link (a line of a cart: {@code /api/cart/items/{sku}}).
 * What method a command takes is the API's (docs/services.md), as HAL has no place for it.
 *
 * <p>Built on one thread; the model it builds is immutable once answered.
 *
 * @param <T> the resource's fields
 */
public final class Resource<T> {

    /** The link to the resource's event log. */
    public static final String EVENTS = "events";

    private final T content;
    private final List<Link> links = new ArrayList<>();

    private Resource(T content, String self) {
        this.content = content;
        links.add(Link.of(self, IanaLinkRelations.SELF));
    }

    /** {@code content}, found at {@code self}. */
    public static <T> Resource<T> of(T content, String self) {
        return new Resource<>(content, self);
    }

    /**
     * {@code template} with its variables filled in by {@code values}, each encoded as one path segment
     * ({@code path("/api/orders/{id}/cancel", id)}).
     */
    public static String path(String template, Object... values) {
        return UriComponentsBuilder.fromPath(template).encode().buildAndExpand(values).toUriString();
    }

    /** Links the resource's event log. */
    public Resource<T> events(String href) {
        return link(EVENTS, href);
    }

    /** Links the command {@code rel} if {@code allowed} (in the resource's current state, to this caller). */
    public Resource<T> command(String rel, String href, boolean allowed) {
        return allowed ? link(rel, href) : this;
    }

    /** Links {@code href} as {@code rel}. */
    public Resource<T> link(String rel, String href) {
        links.add(Link.of(href, rel));
        return this;
    }

    /** The resource with its links, as Spring HATEOAS renders it. */
    public EntityModel<T> model() {
        return EntityModel.of(content, links);
    }
}
