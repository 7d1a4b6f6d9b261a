package eventshop.eventsourcing.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.Decider;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.decider.UnknownEventType;
import eventshop.eventsourcing.projection.StreamProjection;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.memory.InMemoryEventStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.support.MessageBuilder;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The upcaster registry's rules, and every read path of the starter reading an event stored in an old schema
 * version. The history used here, of a warehouse's shelf events:
 * <ol>
 * <li>{@code ItemStored {sku, aisle}}</li>
 * <li>renamed {@code ItemShelved {sku, aisle}}</li>
 * <li>{@code ItemShelved {sku, location: {aisle, bin}}}: the bin joins the aisle (old items are in bin 0)</li>
 * </ol>
 */
class UpcastersTest {

    sealed interface ShelfEvent {
        record ItemShelved(String sku, Location location) implements ShelfEvent {
        }

        record ItemPicked(String sku) implements ShelfEvent {
        }
    }

    record Location(String aisle, int bin) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Upcasters SHELF = Upcasters.builder()
            .current("ItemShelved", 3)
            .rename("ItemStored", 1, "ItemShelved", data -> data)
            .upcast("ItemShelved", 2, data -> {
                ObjectNode location = data.putObject("location");
                location.put("aisle", data.get("aisle").asString());
                location.put("bin", 0);
                data.remove("aisle");
                return data;
            })
            .build();

    private static final JsonEventCodec<ShelfEvent> CODEC = JsonEventCodec.of(ShelfEvent.class, SHELF);

    private static final ShelfEvent.ItemShelved IN_A7 = new ShelfEvent.ItemShelved("SKU-1", new Location("A7", 0));

    private static byte[] json(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode tree(String json) {
        return (ObjectNode) JSON.readTree(json);
    }

    private static Upcaster identity() {
        return data -> data;
    }

    @Nested
    class Rules {

        @Test
        void aChainOfTwoSteps_withARename_reachesTheCurrentVersion() {
            Upcasted upcasted = SHELF.upcast("ItemStored", 1, tree("{\"sku\":\"SKU-1\",\"aisle\":\"A7\"}"));

            assertThat(upcasted.type()).isEqualTo("ItemShelved");
            assertThat(upcasted.version()).isEqualTo(3);
            assertThat(upcasted.data()).isEqualTo(tree("{\"sku\":\"SKU-1\",\"location\":{\"aisle\":\"A7\",\"bin\":0}}"));
        }

        @Test
        void currentVersions_areDeclared_oneWithoutHistory_zeroWhenRenamedAway() {
            assertThat(SHELF.currentVersion("ItemShelved")).isEqualTo(3);
            assertThat(SHELF.currentVersion("ItemPicked")).isEqualTo(1);
            assertThat(SHELF.currentVersion("ItemStored")).isZero();
        }

        @Test
        void aGap_isRefusedWhenBuilt() {
            assertThatThrownBy(() -> Upcasters.builder().current("X", 3).upcast("X", 1, identity()).build())
                    .isInstanceOf(InvalidUpcasters.class).hasMessageContaining("X: no upcaster from version 2");
            assertThatThrownBy(() -> Upcasters.builder().current("X", 2).build())
                    .isInstanceOf(InvalidUpcasters.class).hasMessageContaining("X: no upcaster from version 1");
        }

        @Test
        void twoUpcastersForOneStep_areRefused() {
            assertThatThrownBy(() -> Upcasters.builder().current("X", 2)
                    .upcast("X", 1, data -> data.put("bin", 0)).upcast("X", 1, data -> data.put("bin", 1)).build())
                    .isInstanceOf(InvalidUpcasters.class).hasMessageContaining("two upcasters from version 1");
        }

        @Test
        void aStepFromTheCurrentVersion_orBeyondIt_isRefused() {
            assertThatThrownBy(() -> Upcasters.builder().current("X", 2)
                    .upcast("X", 1, identity()).upcast("X", 2, identity()).build())
                    .isInstanceOf(InvalidUpcasters.class).hasMessageContaining("whose current version is 2");
        }

        @Test
        void aTypeWithUpcasters_butNoCurrentVersion_isRefused() {
            assertThatThrownBy(() -> Upcasters.builder().upcast("X", 1, identity()).build())
                    .isInstanceOf(InvalidUpcasters.class).hasMessageContaining("neither a current version");
            assertThatThrownBy(() -> Upcasters.builder().rename("Old", 1, "New", identity()).build())
                    .isInstanceOf(InvalidUpcasters.class).hasMessageContaining("version 2 of New");
        }

        @Test
        void merging_checksTheWholeHistoryAgain() {
            Upcasters other = Upcasters.builder().current("ItemShelved", 3)
                    .upcast("ItemShelved", 2, data -> data.put("bin", 1))
                    .rename("ItemStored", 1, "ItemShelved", data -> data.put("bin", 1)).build();

            assertThatThrownBy(() -> SHELF.and(other)).isInstanceOf(InvalidUpcasters.class)
                    .hasMessageContaining("two upcasters");
        }

        @Test
        void merging_aHistoryWithItself_orWithWhatItAlreadyHolds_changesNothing() {
            assertThat(SHELF.and(SHELF)).isSameAs(SHELF);
            Upcasters codecs = CODEC.upcasters();

            Upcasters again = Upcasters.published().and(codecs).and(SHELF);

            assertThat(again.currentVersion("ItemShelved")).isEqualTo(3);
            assertThat(again.currentVersion("StockReceived")).isEqualTo(2);
            assertThat(JsonEventCodec.of(ShelfEvent.class, codecs).deserialize("ItemStored",
                    json("{\"sku\":\"SKU-1\",\"aisle\":\"A7\"}"), 1)).isEqualTo(IN_A7);
        }

        @Test
        void aVersionNewerThanTheCurrentOne_isTooNew_evenForATypeWithoutHistory() {
            assertThatThrownBy(() -> SHELF.upcast("ItemShelved", 4, tree("{}")))
                    .isInstanceOfSatisfying(SchemaVersionTooNew.class, e -> {
                        assertThat(e.version()).isEqualTo(4);
                        assertThat(e.current()).isEqualTo(3);
                    });
            assertThatThrownBy(() -> SHELF.upcast("ItemPicked", 2, tree("{}"))).isInstanceOf(SchemaVersionTooNew.class);
        }

        @Test
        void aVersionNoStepLeadsUpFrom_hasNoPath() {
            assertThatThrownBy(() -> SHELF.upcast("ItemStored", 2, tree("{}"))).isInstanceOf(NoUpcastPath.class);
            assertThatThrownBy(() -> SHELF.upcast("ItemShelved", 0, tree("{}"))).isInstanceOf(NoUpcastPath.class);
        }

        @Test
        void aCodecThatStillHasARecordRenamedAway_isRefusedWhenBuilt() {
            Upcasters pickedRenamed = Upcasters.builder().current("ItemTaken", 2)
                    .rename("ItemPicked", 1, "ItemTaken", identity()).build();

            assertThatThrownBy(() -> JsonEventCodec.of(ShelfEvent.class, pickedRenamed))
                    .isInstanceOf(InvalidUpcasters.class).hasMessageContaining("ItemPicked");
        }

        @Test
        void thePublishedHistories_areValid_andReadByEveryCodec() {
            assertThat(Upcasters.published().currentVersion("StockReceived")).isEqualTo(2);
            assertThat(CODEC.upcasters().currentVersion("StockReceived")).isEqualTo(2);
        }
    }

    @Nested
    class Codec {

        @Test
        void writes_theCurrentVersion() {
            assertThat(CODEC.schemaVersionOf(IN_A7)).isEqualTo(3);
            assertThat(CODEC.schemaVersionOf(new ShelfEvent.ItemPicked("SKU-1"))).isEqualTo(1);
        }

        @Test
        void reads_everyVersion_asTheCurrentRecord() {
            assertThat(CODEC.deserialize("ItemStored", json("{\"sku\":\"SKU-1\",\"aisle\":\"A7\"}"), 1)).isEqualTo(IN_A7);
            assertThat(CODEC.deserialize("ItemShelved", json("{\"sku\":\"SKU-1\",\"aisle\":\"A7\"}"), 2))
                    .isEqualTo(IN_A7);
            assertThat(CODEC.deserialize("ItemShelved", CODEC.serialize(IN_A7), 3)).isEqualTo(IN_A7);
        }

        @Test
        void aNewerVersion_isATypedError_notAMisreading() {
            assertThatThrownBy(() -> CODEC.deserialize("ItemShelved", CODEC.serialize(IN_A7), 4))
                    .isInstanceOf(SchemaVersionTooNew.class);
        }

        @Test
        void oldDataThatIsNotAnObject_orATypeNobodyKnows_isAnUnknownEventType() {
            assertThatThrownBy(() -> CODEC.deserialize("ItemStored", json("[1]"), 1))
                    .isInstanceOf(UnknownEventType.class);
            assertThatThrownBy(() -> CODEC.deserialize("ItemLost", json("{}"), 2))
                    .isInstanceOf(UnknownEventType.class).hasMessageContaining("ItemLost");
        }

        @Test
        void aFieldAddedByANewerWriter_isIgnored_byATolerantReader() {
            assertThat(CODEC.deserialize("ItemPicked", json("{\"sku\":\"SKU-1\",\"pickedBy\":\"robot-4\"}"), 1))
                    .isEqualTo(new ShelfEvent.ItemPicked("SKU-1"));
        }
    }

    @Nested
    class ReadPaths {

        private final EventStore store = new InMemoryEventStore();

        @AfterEach
        void close() {
            store.close();
        }

        /** The bytes an earlier version of the code wrote: version 1, under the old name. */
        private void storeVersion1(String streamId) {
            store.append(streamId, ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(), "ItemStored",
                    json("{\"sku\":\"SKU-1\",\"aisle\":\"A7\"}"), Metadata.EMPTY)));
        }

        @Test
        void theFold_readsAVersion1Event_andNewEventsAreWrittenInTheCurrentVersion() {
            // given
            storeVersion1("shelf-1");
            Decider<String, ShelfEvent, List<ShelfEvent>> decider = new Decider<>(List.of(), (state, event) -> {
                List<ShelfEvent> next = new ArrayList<>(state);
                next.add(event);
                return List.copyOf(next);
            }, (bin, state) -> List.of(new ShelfEvent.ItemShelved("SKU-2", new Location("B1", Integer.parseInt(bin)))));
            CommandHandler<String, ShelfEvent, List<ShelfEvent>> handler =
                    CommandHandler.builder("test", store, decider, CODEC).build();

            // when
            handler.handle("shelf-1", "4", CommandContext.start(UUID.randomUUID(), "test"));

            // then
            assertThat(handler.load("shelf-1").state()).containsExactly(IN_A7,
                    new ShelfEvent.ItemShelved("SKU-2", new Location("B1", 4)));
            assertThat(handler.foldAt("shelf-1", 0).state()).containsExactly(IN_A7);
            List<RecordedEvent> stored = store.read("shelf-1", 0).collectList().block();
            assertThat(stored).extracting(RecordedEvent::type).containsExactly("ItemStored", "ItemShelved");
            assertThat(stored).extracting(event -> event.metadata().schemaVersion()).containsExactly(1, 3);
        }

        @Test
        void aStreamProjection_readsAVersion1Event() {
            storeVersion1("shelf-2");
            List<ShelfEvent> applied = new ArrayList<>();
            StreamProjection<ShelfEvent> projection = new StreamProjection<>("shelves", "shelf-", CODEC,
                    List.of("shelves"), "CREATE TABLE {shelves} (sku VARCHAR(40))") {
                @Override
                protected void on(ShelfEvent event, RecordedEvent recorded, Tables tables, JdbcTemplate jdbc) {
                    applied.add(event);
                }
            };

            store.readAll(0, 10).toStream().forEach(event -> projection.apply(event, null, null));

            assertThat(applied).containsExactly(IN_A7);
        }

        @Test
        void aKafkaRecordCarryingSchemaVersion1_decodesAsTheCurrentRecord() {
            IncomingEvent incoming = IncomingEvent.from(MessageBuilder
                    .withPayload(json("{\"sku\":\"SKU-1\",\"aisle\":\"A7\"}"))
                    .setHeader(EventHeaders.EVENT_ID, UUID.randomUUID().toString())
                    .setHeader(EventHeaders.EVENT_TYPE, "ItemStored")
                    .setHeader(EventHeaders.SCHEMA_VERSION, "1".getBytes(StandardCharsets.UTF_8)).build());

            assertThat(incoming.decode(CODEC)).isEqualTo(IN_A7);
        }

        @Test
        void aKafkaRecordFromANewerPublisher_isTooNew_notMalformed_soItIsRetriedNotPassedOver() {
            IncomingEvent incoming = IncomingEvent.from(MessageBuilder.withPayload(CODEC.serialize(IN_A7))
                    .setHeader(EventHeaders.EVENT_ID, UUID.randomUUID().toString())
                    .setHeader(EventHeaders.EVENT_TYPE, "ItemShelved")
                    .setHeader(EventHeaders.SCHEMA_VERSION, "4").build());
            IncomingEvent impossible = IncomingEvent.from(MessageBuilder.withPayload(json("{}"))
                    .setHeader(EventHeaders.EVENT_ID, UUID.randomUUID().toString())
                    .setHeader(EventHeaders.EVENT_TYPE, "ItemStored")
                    .setHeader(EventHeaders.SCHEMA_VERSION, "2").build());

            assertThatThrownBy(() -> incoming.decode(CODEC)).isInstanceOf(SchemaVersionTooNew.class);
            assertThatThrownBy(() -> impossible.decode(CODEC)).isInstanceOf(MalformedMessage.class)
                    .hasCauseInstanceOf(NoUpcastPath.class);
        }

        @Test
        void toCurrent_upcastsAnOldEvent_keepsItsEnvelope_andPassesCurrentAndNewerOnesAsStored() {
            Metadata metadata = new Metadata("corr-1", "cause-1", "alice", Instant.parse("2026-01-01T00:00:00Z"), 1,
                    Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
            UUID id = UUID.randomUUID();
            RecordedEvent old = new RecordedEvent(id, "shelf-3", 0, 7, "ItemStored",
                    json("{\"sku\":\"SKU-1\",\"aisle\":\"A7\"}"), metadata);

            RecordedEvent current = SHELF.toCurrent(old);

            assertThat(current.type()).isEqualTo("ItemShelved");
            assertThat(current.metadata()).isEqualTo(metadata.withSchemaVersion(3));
            assertThat(List.of(current.eventId(), current.streamId(), current.version(), current.position()))
                    .containsExactly(id, "shelf-3", 0L, 7L);
            assertThat(EventHeaders.of(current, "shelves")).containsEntry(EventHeaders.SCHEMA_VERSION, "3")
                    .containsEntry(EventHeaders.EVENT_TYPE, "ItemShelved");
            assertThat(CODEC.decode(current)).isEqualTo(IN_A7);
            assertThat(SHELF.toCurrent(current)).isSameAs(current);
            RecordedEvent newer = new RecordedEvent(id, "shelf-3", 1, 8, "ItemShelved", json("{}"),
                    metadata.withSchemaVersion(4));
            assertThat(SHELF.toCurrent(newer)).isSameAs(newer);
        }
    }
}
