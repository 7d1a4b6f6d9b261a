package eventshop.eventsourcing.resources;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.memory.InMemoryEventStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.hateoas.EntityModel;
import org.springframework.hateoas.Link;
import tools.jackson.databind.json.JsonMapper;

/** The starter's resources: an event log as the services answer it, and a resource's links. No Spring context. */
class ResourcesTest {

    @Nested
    class EventLogs {

        final InMemoryEventStore store = new InMemoryEventStore();
        final EventLog log = new EventLog(store, JsonMapper.builder().build());
        final Instant at = Instant.parse("2026-12-07T10:00:00Z");

        void append(String stream, String... data) {
            store.append(stream, ExpectedVersion.any(), java.util.Arrays.stream(data)
                    .map(json -> new EventData(UUID.randomUUID(), "Happened", json.getBytes(StandardCharsets.UTF_8),
                            Metadata.at(at)))
                    .toList());
        }

        @Test
        void aStream_isItsEventsOldestFirst_withTheirDataAsJson_fromAVersion_atMostTheLimit() {
            append("thing-1", "{\"n\":0}", "{\"n\":1}", "{\"n\":2}");
            append("thing-2", "{\"n\":9}");

            List<EventLog.Entry> entries = log.read("thing-1", 1, 1);

            assertThat(entries).hasSize(1);
            EventLog.Entry entry = entries.getFirst();
            assertThat(entry.type()).isEqualTo("Happened");
            assertThat(entry.version()).isEqualTo(1);
            assertThat(entry.recordedAt()).isEqualTo(at);
            assertThat(entry.data().get("n").asInt()).isEqualTo(1);
            assertThat(log.read("thing-1", 0, EventLog.MAX_LIMIT)).extracting(EventLog.Entry::version)
                    .containsExactly(0L, 1L, 2L);
        }

        @Test
        void noStream_isEmpty_andTheLimitIsAtMostTheMaximum() {
            assertThat(log.read("nothing-here", 0, 10)).isEmpty();
            append("many", IntStream.range(0, EventLog.MAX_LIMIT + 5).mapToObj(n -> "{}").toArray(String[]::new));
            assertThat(log.read("many", 0, Integer.MAX_VALUE)).hasSize(EventLog.MAX_LIMIT);
        }

        @Test
        void dataThatIsNotJson_isShownAsText_notAnError() {
            append("odd", "not json at all");

            assertThat(log.read("odd", 0, 1).getFirst().data().asString()).isEqualTo("not json at all");
        }
    }

    @Nested
    class Links {

        @Test
        void aResource_linksItselfItsEvents_andOnlyTheCommandsAllowed_inOrder() {
            EntityModel<String> model = Resource.of("thing", "/api/things/1").events("/api/things/1/events")
                    .command("cancel", "/api/things/1/cancel", true)
                    .command("ship", "/api/things/1/ship", false)
                    .link("order", "/api/orders/1")
                    .model();

            assertThat(model.getContent()).isEqualTo("thing");
            assertThat(model.getLinks()).extracting(link -> link.getRel().value(), Link::getHref).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("self", "/api/things/1"),
                    org.assertj.core.groups.Tuple.tuple("events", "/api/things/1/events"),
                    org.assertj.core.groups.Tuple.tuple("cancel", "/api/things/1/cancel"),
                    org.assertj.core.groups.Tuple.tuple("order", "/api/orders/1"));
        }

        @Test
        void aPath_encodesEachValueAsOneSegment_andATemplateStaysATemplate() {
            assertThat(Resource.path("/api/things/{id}/events", "a b/c?d")).isEqualTo("/api/things/a%20b%2Fc%3Fd/events");
            assertThat(Resource.path("/api/orders/{id}", "0b6f1f3e-6c1d")).isEqualTo("/api/orders/0b6f1f3e-6c1d");
            assertThat(Resource.of("x", "/x").link("remove-item", "/api/cart/items/{sku}").model()
                    .getRequiredLink("remove-item").isTemplated()).isTrue();
        }
    }
}
