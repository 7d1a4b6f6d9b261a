package eventshop.eventsourcing.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.consuming.InMemoryDeadLetterTopics;
import eventshop.eventsourcing.consuming.ParkedMessage.Status;
import eventshop.eventsourcing.consuming.ParkedMessages;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.ops.OpsErrors.ActionNotPossible;
import eventshop.eventsourcing.ops.OpsErrors.ActionRefused;
import eventshop.eventsourcing.ops.OpsErrors.NotFoundInOps;
import eventshop.eventsourcing.ops.OpsParked.Job;
import eventshop.eventsourcing.ops.OpsParked.JobState;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventsourcing.testing.TestClock;
import eventshop.eventsourcing.testing.TestDatabases;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.memory.InMemoryEventStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The console's parked messages over dead-letter topics in memory, H2 and an in-memory log for the audit. */
class OpsParkedTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String DLQ = "error.orders.events.effects";

    private final JdbcConnectionPool dataSource = TestDatabases.h2("ops-parked");
    private final InMemoryDeadLetterTopics topics = new InMemoryDeadLetterTopics();
    private final TestClock clock = new TestClock();
    private final InMemoryEventStore store = new InMemoryEventStore();
    private final OpsAudit audit = new OpsAudit("orders", store, new CommandContexts(null, UUID::randomUUID), clock);
    private final EdgeUser admin = EdgeUser.admin("admin-1", "admin@example.com");
    private final ParkedMessages parked;
    private final OpsParked ops;

    OpsParkedTest() {
        topics.create(DLQ);
        parked = new ParkedMessages(topics, () -> List.of(DLQ), dataSource, clock);
        ops = new OpsParked(parked, audit, new PersonalData(), clock);
    }

    @AfterEach
    void tearDown() {
        ops.close();
        parked.close();
        dataSource.dispose();
    }

    private List<String> park(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long offset = topics.park(DLQ, "cart-" + i, "{\"cartId\":\"cart-" + i + "\",\"email\":\"ada@example.com\"}",
                    "carts.events", "cannot handle");
            ids.add(DLQ + ":0:" + offset);
        }
        return ids;
    }

    private List<OpsAudit.OpsActionTaken> audited() {
        return audit.recent(100).reversed().stream().map(OpsAudit.Recorded::action).toList();
    }

    @Nested
    class Listing {

        @Test
        void showsCountsAndMessages_withThePayloadMaskedAndNotItsClearSummary() {
            List<String> ids = park(2);
            ops.discard(ids.getFirst(), "duplicate", admin);

            OpsParked.Topic topic = ops.topics(100).getFirst();

            assertThat(topic.topic()).isEqualTo(DLQ);
            assertThat(topic.pending()).isEqualTo(1);
            assertThat(topic.discarded()).isEqualTo(1);
            assertThat(topic.replayed()).isZero();
            assertThat(topic.messages()).hasSize(2);
            OpsParked.Message pending = topic.messages().getLast();
            assertThat(pending.data().get("email").asString()).isEqualTo(PersonalData.MASK);
            assertThat(pending.data().get("cartId").asString()).isEqualTo("cart-1");
            assertThat(pending.masked()).containsExactly("/email");
            String json = JsonMapper.builder().build().writeValueAsString(topic);
            assertThat(json).doesNotContain("ada@example.com").doesNotContain("\"payload\"")
                    .contains("\"status\":\"PENDING\"", "\"status\":\"DISCARDED\"", "\"discardReason\":\"duplicate\"",
                            "\"handledBy\":\"admin@example.com\"", "\"id\":\"" + ids.getLast() + "\"",
                            "\"error\":\"cannot handle\"");
        }
    }

    @Nested
    class Actions {

        @Test
        void aReplay_isAuditedBeforeTheMessageIsSent() {
            String id = park(1).getFirst();
            List<Long> auditedWhenSent = new ArrayList<>();
            topics.answerSendsWith(record -> {
                auditedWhenSent.add(store.streamVersion(OpsAudit.STREAM));
                return CompletableFuture.completedFuture(null);
            });

            OpsParked.Handled handled = ops.replay(id, admin);

            assertThat(handled.status()).isEqualTo(Status.REPLAYED);
            assertThat(handled.handledBy()).isEqualTo("admin@example.com");
            assertThat(auditedWhenSent).containsExactly(0L);
            assertThat(audited()).singleElement().satisfies(action -> {
                assertThat(action.action()).isEqualTo("replay");
                assertThat(action.target()).isEqualTo(id);
                assertThat(action.by()).isEqualTo("admin-1");
            });
        }

        @Test
        void aRefusedAction_recordsNothing() {
            String id = park(1).getFirst();
            ops.replay(id, admin);

            assertThatThrownBy(() -> ops.replay(id, admin)).isInstanceOf(ActionNotPossible.class);
            assertThatThrownBy(() -> ops.discard(id, "late", admin)).isInstanceOf(ActionNotPossible.class);
            assertThatThrownBy(() -> ops.discard(id, " ", admin)).isInstanceOf(ActionRefused.class);
            assertThatThrownBy(() -> ops.replay(DLQ + ":0:9", admin)).isInstanceOf(NotFoundInOps.class);

            assertThat(audited()).extracting(OpsAudit.OpsActionTaken::action).containsExactly("replay");
        }

        @Test
        void aDiscard_isAuditedWithItsReason() {
            String id = park(1).getFirst();

            OpsParked.Handled handled = ops.discard(id, " the order was deleted by hand ", admin);

            assertThat(handled.status()).isEqualTo(Status.DISCARDED);
            assertThat(handled.discardReason()).isEqualTo("the order was deleted by hand");
            assertThat(audited()).singleElement().satisfies(action -> {
                assertThat(action.action()).isEqualTo("discard");
                assertThat(action.target()).isEqualTo(id);
                assertThat(action.reason()).isEqualTo("the order was deleted by hand");
            });
        }
    }

    @Nested
    class Jobs {

        private Job awaitEnd(String id) {
            await().atMost(PATIENCE).until(() -> ops.job(id).state() != JobState.RUNNING);
            return ops.job(id);
        }

        @Test
        void replaysEveryPendingMessage_inChunks_andEndsDone() {
            park(7);

            Job started = ops.replayAll(DLQ, null, 3, admin);

            assertThat(started.state()).isEqualTo(JobState.RUNNING);
            assertThat(started.total()).isEqualTo(7);
            Job ended = awaitEnd(started.id());
            assertThat(ended.state()).isEqualTo(JobState.DONE);
            assertThat(ended.done()).isEqualTo(7);
            assertThat(ended.replayed()).isEqualTo(7);
            assertThat(ended.endedAt()).isNotNull();
            assertThat(topics.sent()).hasSize(7);
            assertThat(parked.counts(DLQ).pending()).isZero();
            assertThat(audited()).singleElement().satisfies(action -> {
                assertThat(action.action()).isEqualTo("replay-all");
                assertThat(action.target()).isEqualTo(DLQ);
                assertThat(action.detail()).isEqualTo("every pending message, 7 pending, chunks of 3");
            });
        }

        @Test
        void stopsBelowUpTo() {
            park(6);

            Job ended = awaitEnd(ops.replayAll(DLQ, 4L, null, admin).id());

            assertThat(ended.total()).isEqualTo(4);
            assertThat(ended.done()).isEqualTo(4);
            assertThat(ended.chunk()).isEqualTo(OpsParked.DEFAULT_CHUNK);
            assertThat(parked.counts(DLQ).pending()).isEqualTo(2);
        }

        @Test
        void stopsAfterTheChunkAtHand_showingItsProgress_andRefusesASecondJobForTheTopicMeanwhile() throws Exception {
            // given a job whose first chunk waits for the broker
            park(6);
            CompletableFuture<Void> broker = new CompletableFuture<>();
            CountDownLatch sending = new CountDownLatch(2);
            topics.answerSendsWith(record -> {
                sending.countDown();
                return broker;
            });
            Job started = ops.replayAll(DLQ, null, 2, admin);
            assertThat(sending.await(10, TimeUnit.SECONDS)).isTrue();

            // when a second job is asked for, and the first is stopped
            assertThatThrownBy(() -> ops.replayAll(DLQ, null, 2, admin)).isInstanceOf(ActionNotPossible.class)
                    .hasMessageContaining(started.id());
            assertThat(ops.stop(started.id(), admin).state()).isEqualTo(JobState.RUNNING);
            broker.complete(null);

            // then it ends after that chunk
            Job ended = awaitEnd(started.id());
            assertThat(ended.state()).isEqualTo(JobState.STOPPED);
            assertThat(ended.done()).isEqualTo(2);
            assertThat(ended.total()).isEqualTo(6);
            assertThat(parked.counts(DLQ).pending()).isEqualTo(4);
            assertThat(audited()).extracting(OpsAudit.OpsActionTaken::action)
                    .containsExactly("replay-all", "replay-all-stop");

            // and a new job picks up what is left
            Job next = awaitEnd(ops.replayAll(DLQ, null, 2, admin).id());
            assertThat(next.state()).isEqualTo(JobState.DONE);
            assertThat(next.total()).isEqualTo(4);
            assertThat(parked.counts(DLQ).pending()).isZero();
        }

        @Test
        void aBrokerThatDoesNotTakeTheMessages_failsTheJob_andTheyStayPending() {
            park(3);
            topics.answerSendsWith(record -> CompletableFuture.failedFuture(new IllegalStateException("broker away")));

            Job ended = awaitEnd(ops.replayAll(DLQ, null, 10, admin).id());

            assertThat(ended.state()).isEqualTo(JobState.FAILED);
            assertThat(ended.error()).contains("broker away");
            assertThat(ended.done()).isZero();
            assertThat(parked.counts(DLQ).pending()).isEqualTo(3);
        }

        @Test
        void refusesAChunkOutOfRange_aNegativeUpTo_anUnknownTopic_andAnswers404ForAnUnknownJob() {
            park(1);

            assertThatThrownBy(() -> ops.replayAll(DLQ, null, 0, admin)).isInstanceOf(InvalidRequest.class);
            assertThatThrownBy(() -> ops.replayAll(DLQ, null, 1001, admin)).isInstanceOf(InvalidRequest.class);
            assertThatThrownBy(() -> ops.replayAll(DLQ, -1L, 10, admin)).isInstanceOf(InvalidRequest.class);
            assertThatThrownBy(() -> ops.replayAll("carts.events", null, 10, admin))
                    .isInstanceOf(NotFoundInOps.class);
            assertThatThrownBy(() -> ops.job("no-such-job")).isInstanceOf(NotFoundInOps.class);
            assertThatThrownBy(() -> ops.stop("no-such-job", admin)).isInstanceOf(NotFoundInOps.class);
            assertThat(audited()).isEmpty();
            assertThat(ops.replayAll(DLQ, null, 1000, admin).chunk()).isEqualTo(1000);
        }
    }
}
