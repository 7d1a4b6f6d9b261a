package eventshop.eventsourcing.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.StoreClosedException;
import eventshop.eventstore.memory.InMemoryEventStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OpsLogTest {

    private static final Instant T0 = Instant.parse("2026-12-07T02:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
    private static final EdgeUser ADMIN = EdgeUser.admin("admin-1", "admin@example.com");

    private final InMemoryEventStore store = new InMemoryEventStore();
    private final PersonalData personal = new PersonalData();
    private final OpsAudit audit = new OpsAudit("orders", store, new CommandContexts(null, UUID::randomUUID), CLOCK);

    /**
     * Event {@code i} (at position i): stream {@code order-<i%5>} when i is even, else {@code cart-<i%5>}; type
     * {@code Placed} when i is a multiple of 3, else {@code Changed}; recorded at T0 + i seconds; correlation
     * {@code c<i%10>}; data {@code {"n": i, "email": "user<i>@example.com"}}.
     */
    private static void fill(EventStore store, int count) {
        for (int i = 0; i < count; i++) {
            append(store, (i % 2 == 0 ? "order-" : "cart-") + i % 5, i % 3 == 0 ? "Placed" : "Changed",
                    "c" + i % 10, T0.plusSeconds(i), "{\"n\":" + i + ",\"email\":\"user" + i + "@example.com\"}");
        }
    }

    private static void append(EventStore store, String stream, String type, String correlation, Instant at,
                               String json) {
        store.append(stream, ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(), type,
                json.getBytes(StandardCharsets.UTF_8), new Metadata(correlation, "cause", "user-1", at, 1, Map.of()))));
    }

    private static OpsLog.Query query(String after, String before, String limit) {
        return OpsLog.Query.parse(after, before, limit, null, null, null, null, null);
    }

    private static List<Long> positions(OpsLog.Page page) {
        return page.events().stream().map(OpsEvent::position).toList();
    }

    private static List<Long> range(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> (long) i).toList();
    }

    @Nested
    class Paging {

        private final OpsLog log = new OpsLog("orders", store, personal, audit);

        Paging() {
            fill(store, 100);
        }

        @Test
        void newestPage_isTheLastEvents_ascending_withNoNewerCursor() {
            OpsLog.Page page = log.page(OpsLog.Query.newest(5));

            assertThat(positions(page)).containsExactly(95L, 96L, 97L, 98L, 99L);
            assertThat(page.head()).isEqualTo(99);
            assertThat(page.scanned()).isEqualTo(5);
            assertThat(page.older()).isEqualTo(95);
            assertThat(page.newer()).isNull();
            assertThat(page.service()).isEqualTo("orders");
        }

        @Test
        void defaultLimit_is50() {
            assertThat(log.page(query(null, null, null)).events()).hasSize(OpsLog.DEFAULT_LIMIT);
        }

        @Test
        void forwards_afterAPosition_withCursorsBothWays() {
            OpsLog.Page page = log.page(query("9", null, "5"));

            assertThat(positions(page)).containsExactly(10L, 11L, 12L, 13L, 14L);
            assertThat(page.older()).isEqualTo(10);
            assertThat(page.newer()).isEqualTo(14);
        }

        @Test
        void backwards_beforeAPosition_listsAscending() {
            OpsLog.Page page = log.page(query(null, "20", "5"));

            assertThat(positions(page)).containsExactly(15L, 16L, 17L, 18L, 19L);
            assertThat(page.older()).isEqualTo(15);
            assertThat(page.newer()).isEqualTo(19);
        }

        @Test
        void cursors_walkTheWholeLog_backAndForth_withoutGapsOrRepeats() {
            // backwards from the newest page to the start
            List<Long> seen = new java.util.ArrayList<>();
            OpsLog.Page page = log.page(OpsLog.Query.newest(30));
            seen.addAll(0, positions(page));
            while (page.older() != null) {
                page = log.page(query(null, page.older().toString(), "30"));
                seen.addAll(0, positions(page));
            }
            assertThat(seen).isEqualTo(range(0, 100));
            assertThat(page.older()).isNull();

            // and forwards again from the oldest page to the head
            List<Long> forwards = new java.util.ArrayList<>(positions(page));
            while (page.newer() != null) {
                page = log.page(query(page.newer().toString(), null, "30"));
                forwards.addAll(positions(page));
            }
            assertThat(forwards).isEqualTo(range(0, 100));
        }

        @Test
        void atTheStart_olderIsNull() {
            OpsLog.Page page = log.page(query(null, "3", "5"));

            assertThat(positions(page)).containsExactly(0L, 1L, 2L);
            assertThat(page.older()).isNull();
            assertThat(page.newer()).isEqualTo(2);
        }

        @Test
        void atTheHead_newerIsNull() {
            OpsLog.Page page = log.page(query("96", null, "5"));

            assertThat(positions(page)).containsExactly(97L, 98L, 99L);
            assertThat(page.newer()).isNull();
            assertThat(page.older()).isEqualTo(97);
        }

        @Test
        void pastTheHead_isEmpty_andPointsBackAtTheLog() {
            OpsLog.Page after = log.page(query("500", null, "5"));
            OpsLog.Page before = log.page(query(null, "500", "5"));

            assertThat(after.events()).isEmpty();
            assertThat(after.newer()).isNull();
            assertThat(after.older()).isEqualTo(100);
            assertThat(positions(before)).containsExactly(95L, 96L, 97L, 98L, 99L);
            assertThat(before.newer()).isNull();
        }

        @Test
        void anEmptyLog_hasNoCursors() {
            OpsLog empty = new OpsLog("orders", new InMemoryEventStore(), personal, audit);

            OpsLog.Page page = empty.page(OpsLog.Query.newest(5));

            assertThat(page.events()).isEmpty();
            assertThat(page.head()).isEqualTo(-1);
            assertThat(page.older()).isNull();
            assertThat(page.newer()).isNull();
        }

        @Test
        void filters_combine_streamPrefix_types_timeAndCorrelation() {
            OpsLog.Page page = log.page(OpsLog.Query.parse(null, null, "50", "order-", "Placed, Other", "2026-12-07T02:00:30Z",
                    "2026-12-07T03:01:30+01:00", "c0"));

            // even, a multiple of 3 and of 10, recorded in [30 s, 90 s)
            assertThat(positions(page)).containsExactly(30L, 60L);
            assertThat(page.scanned()).isEqualTo(100);
            assertThat(page.older()).isNull();
            assertThat(page.newer()).isNull();
        }

        @Test
        void severalTypes_areOneFilter() {
            OpsLog.Page page = log.page(OpsLog.Query.parse("89", null, "50", "cart-", "Placed,Changed", null, null, null));

            assertThat(positions(page)).containsExactly(91L, 93L, 95L, 97L, 99L);
        }

        @Test
        void aFilteredPage_fillsUpToItsLimit_andItsCursorContinues() {
            OpsLog.Page page = log.page(OpsLog.Query.parse(null, null, "3", null, null, null, null, "c7"));

            assertThat(positions(page)).containsExactly(77L, 87L, 97L);
            assertThat(page.older()).isEqualTo(77);
            assertThat(page.scanned()).isEqualTo(23);
            OpsLog.Page next = log.page(OpsLog.Query.parse(null, page.older().toString(), "3", null, null, null, null,
                    "c7"));
            assertThat(positions(next)).containsExactly(47L, 57L, 67L);
        }
    }

    @Nested
    class ScanBound {

        private final OpsLog log = new OpsLog("orders", store, personal, audit, 25);

        ScanBound() {
            fill(store, 100);
        }

        @Test
        void aFilteredPage_stopsAtTheBound_withWhatItHas_andACursorThatContinues() {
            OpsLog.Page first = log.page(OpsLog.Query.parse(null, null, "50", null, null, null, null, "c0"));

            assertThat(positions(first)).containsExactly(80L, 90L);
            assertThat(first.scanned()).isEqualTo(25);
            assertThat(first.older()).isEqualTo(75);

            OpsLog.Page second = log.page(OpsLog.Query.parse(null, "75", "50", null, null, null, null, "c0"));
            assertThat(positions(second)).containsExactly(50L, 60L, 70L);
            assertThat(second.older()).isEqualTo(50);
            assertThat(second.newer()).isEqualTo(74);
        }

        @Test
        void forwards_too() {
            OpsLog.Page page = log.page(OpsLog.Query.parse("9", null, "50", null, "Nothing", null, null, null));

            assertThat(page.events()).isEmpty();
            assertThat(page.scanned()).isEqualTo(25);
            assertThat(page.newer()).isEqualTo(34);
            assertThat(page.older()).isEqualTo(10);
        }

        @Test
        void theDefaultBound_is200000Events() {
            assertThat(OpsLog.SCAN_LIMIT).isEqualTo(200_000);
        }
    }

    @Test
    void aLongScan_crossesReadChunks_inBothDirections() {
        // given more events than one read takes, three of them in a rare correlation
        int count = OpsLog.CHUNK * 2 + 100;
        for (int i = 0; i < count; i++) {
            append(store, "s-" + i % 7, "Changed", i == 1 || i == OpsLog.CHUNK || i == count - 1 ? "rare" : "common",
                    T0.plusMillis(i), "{}");
        }
        OpsLog log = new OpsLog("orders", store, personal, audit);

        // when
        OpsLog.Page backwards = log.page(OpsLog.Query.parse(null, null, "50", null, null, null, null, "rare"));
        OpsLog.Page forwards = log.page(OpsLog.Query.parse("0", null, "50", null, null, null, null, "rare"));

        // then
        assertThat(positions(backwards)).containsExactly(1L, (long) OpsLog.CHUNK, count - 1L);
        assertThat(backwards.scanned()).isEqualTo(count);
        assertThat(positions(forwards)).containsExactly(1L, (long) OpsLog.CHUNK, count - 1L);
        assertThat(forwards.scanned()).isEqualTo(count - 1);
        assertThat(forwards.newer()).isNull();
    }

    @Nested
    class MalformedParameters {

        @Test
        void bothAfterAndBefore() {
            assertThatThrownBy(() -> query("1", "2", null)).isInstanceOf(InvalidRequest.class)
                    .hasMessageContaining("not both");
        }

        @Test
        void aLimitOutOfRange_orNotANumber() {
            for (String limit : new String[] {"0", "201", "-3", "ten", "1.5"}) {
                assertThatThrownBy(() -> query(null, null, limit)).as(limit).isInstanceOf(InvalidRequest.class)
                        .hasMessageContaining("limit");
            }
            assertThat(query(null, null, "200").limit()).isEqualTo(200);
            assertThat(query(null, null, "1").limit()).isEqualTo(1);
        }

        @Test
        void aNegativePosition_orNotANumber() {
            assertThatThrownBy(() -> query("-1", null, null)).isInstanceOf(InvalidRequest.class);
            assertThatThrownBy(() -> query(null, "-5", null)).isInstanceOf(InvalidRequest.class);
            assertThatThrownBy(() -> query("x", null, null)).isInstanceOf(InvalidRequest.class)
                    .hasMessageContaining("after");
        }

        @Test
        void anUnparsableInstant_orUntilBeforeSince() {
            assertThatThrownBy(() -> OpsLog.Query.parse(null, null, null, null, null, "yesterday", null, null))
                    .isInstanceOf(InvalidRequest.class).hasMessageContaining("since");
            assertThatThrownBy(() -> OpsLog.Query.parse(null, null, null, null, null, null, "2026-12-07", null))
                    .isInstanceOf(InvalidRequest.class).hasMessageContaining("until");
            assertThatThrownBy(() -> OpsLog.Query.parse(null, null, null, null, null, "2026-12-07T03:00:00Z",
                    "2026-12-07T02:00:00Z", null)).isInstanceOf(InvalidRequest.class);
        }

        @Test
        void emptyParameters_areAbsent() {
            OpsLog.Query query = OpsLog.Query.parse("", " ", "", "", " , ", "", "", "");

            assertThat(query.after()).isNull();
            assertThat(query.before()).isNull();
            assertThat(query.limit()).isEqualTo(OpsLog.DEFAULT_LIMIT);
            assertThat(query.filter().isEmpty()).isTrue();
        }
    }

    @Nested
    class OneEvent {

        private final OpsLog log = new OpsLog("orders", store, personal, audit);

        OneEvent() {
            fill(store, 10);
        }

        @Test
        void isFoundByPosition_andShownMasked_withItsMetadata() {
            OpsEvent event = log.view(log.event(7));

            assertThat(event.position()).isEqualTo(7);
            assertThat(event.streamId()).isEqualTo("cart-2");
            assertThat(event.version()).isZero();
            assertThat(event.type()).isEqualTo("Changed");
            assertThat(event.recordedAt()).isEqualTo(T0.plusSeconds(7));
            assertThat(event.correlationId()).isEqualTo("c7");
            assertThat(event.causationId()).isEqualTo("cause");
            assertThat(event.actingUser()).isEqualTo("user-1");
            assertThat(event.schemaVersion()).isEqualTo(1);
            assertThat(event.data().toString()).isEqualTo("{\"n\":7,\"email\":\"" + PersonalData.MASK + "\"}");
            assertThat(event.masked()).containsExactly("/email");
        }

        @Test
        void pagesShowMaskedData_too() {
            assertThat(log.page(OpsLog.Query.newest(10)).events())
                    .allSatisfy(event -> assertThat(event.data().toString()).doesNotContain("@example.com")
                            .contains(PersonalData.MASK));
        }

        @Test
        void anUnknownPosition_isNotFound_aNegativeOneInvalid() {
            assertThatThrownBy(() -> log.event(10)).isInstanceOf(OpsErrors.NotFoundInOps.class);
            assertThatThrownBy(() -> log.event(-1)).isInstanceOf(InvalidRequest.class);
        }

        @Test
        void aCorrelation_isEveryEventOfIt_inLogOrder() {
            fill(store, 30);

            assertThat(log.correlated("c3")).extracting(RecordedEvent::position).containsExactly(3L, 13L, 23L, 33L);
            assertThat(log.correlated("nobody")).isEmpty();
        }
    }

    @Nested
    class Unmask {

        @Test
        void revealsTheField_afterRecordingWhoAskedForIt() {
            // given
            fill(store, 3);
            OpsLog log = new OpsLog("orders", store, personal, audit);

            // when
            OpsLog.Unmasked unmasked = log.unmask(ADMIN, 2, "/email");

            // then
            assertThat(unmasked.value().asString()).isEqualTo("user2@example.com");
            assertThat(unmasked.position()).isEqualTo(2);
            assertThat(unmasked.field()).isEqualTo("/email");
            assertThat(audit.recent(5)).singleElement().satisfies(recorded -> {
                assertThat(recorded.action().action()).isEqualTo("unmask");
                assertThat(recorded.action().target()).isEqualTo("2:/email");
                assertThat(recorded.action().by()).isEqualTo("admin-1");
                assertThat(recorded.action().byEmail()).isEqualTo("admin@example.com");
            });
        }

        @Test
        void revealsNothing_whenTheAuditRecordCannotBeAppended() {
            // given an audit whose log refuses appends (closed, as a store that failed would be)
            fill(store, 3);
            InMemoryEventStore refusing = new InMemoryEventStore();
            refusing.close();
            OpsLog log = new OpsLog("orders", store, personal,
                    new OpsAudit("orders", refusing, new CommandContexts(null, UUID::randomUUID), CLOCK));

            // when / then
            assertThatThrownBy(() -> log.unmask(ADMIN, 2, "/email")).isInstanceOf(StoreClosedException.class);
            assertThat(store.streamVersion(OpsAudit.STREAM)).isEqualTo(-1);
        }

        @Test
        void aFieldThatIsNotMasked_isRefused_andNotRecorded() {
            fill(store, 3);
            OpsLog log = new OpsLog("orders", store, personal, audit);

            assertThatThrownBy(() -> log.unmask(ADMIN, 2, "/n")).isInstanceOf(OpsErrors.ActionRefused.class)
                    .hasMessageContaining("/email");
            assertThatThrownBy(() -> log.unmask(ADMIN, 2, "email")).isInstanceOf(InvalidRequest.class);
            assertThatThrownBy(() -> log.unmask(ADMIN, 9, "/email")).isInstanceOf(OpsErrors.NotFoundInOps.class);
            assertThat(store.streamVersion(OpsAudit.STREAM)).isEqualTo(-1);
        }
    }
}
