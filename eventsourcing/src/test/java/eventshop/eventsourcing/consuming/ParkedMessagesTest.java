package eventshop.eventsourcing.consuming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventsourcing.calls.ServiceUnavailable;
import eventshop.eventsourcing.consuming.ParkedMessage.Status;
import eventshop.eventsourcing.ops.OpsErrors.ActionNotPossible;
import eventshop.eventsourcing.ops.OpsErrors.ActionRefused;
import eventshop.eventsourcing.ops.OpsErrors.NotFoundInOps;
import eventshop.eventsourcing.testing.TestClock;
import eventshop.eventsourcing.database.EventSourcingTables;
import eventshop.eventsourcing.testing.TestDatabases;
import eventshop.eventstore.InvalidRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** Parked messages over dead-letter topics in memory and an H2 database: replay once, discard, chunks, counts. */
class ParkedMessagesTest {

    private static final String DLQ = "error.orders.events.effects";
    private static final String ORIGINAL = "orders.events";

    private final JdbcConnectionPool dataSource = TestDatabases.h2("parked");
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    private final InMemoryDeadLetterTopics topics = new InMemoryDeadLetterTopics();
    private final TestClock clock = new TestClock();
    private ParkedMessages parked;

    private ParkedMessages parked() {
        if (parked == null) {
            topics.create(DLQ);
            parked = new ParkedMessages(topics, () -> List.of(DLQ), dataSource, clock);
        }
        return parked;
    }

    @AfterEach
    void tearDown() {
        if (parked != null) {
            parked.close();
        }
        dataSource.dispose();
    }

    private String park(String stream) {
        parked();
        long offset = topics.park(DLQ, stream, "{\"stream\":\"" + stream + "\",\"email\":\"ada@example.com\"}", ORIGINAL,
                "cannot handle " + stream);
        return DLQ + ":0:" + offset;
    }

    private static void noAudit() {
    }

    @Nested
    class Replaying {

        @Test
        void sendsTheMessageBackToItsOriginalTopic_withItsKeyAndHeaders_withoutTheDeadLetterOnes() {
            String id = park("cart-1");

            ParkedMessage replayed = parked().replay(id, "admin@example.com", ParkedMessagesTest::noAudit);

            assertThat(topics.sent()).singleElement().satisfies(record -> {
                assertThat(record.topic()).isEqualTo(ORIGINAL);
                assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("cart-1");
                assertThat(record.headers().lastHeader("event-type")).isNotNull();
                assertThat(record.headers().lastHeader(ParkedMessages.ORIGINAL_TOPIC)).isNull();
                assertThat(record.headers().lastHeader(ParkedMessages.EXCEPTION_MESSAGE)).isNull();
            });
            assertThat(replayed.status()).isEqualTo(Status.REPLAYED);
            assertThat(replayed.replayedAt()).isNotNull();
            assertThat(replayed.handledBy()).isEqualTo("admin@example.com");
            assertThat(parked().get(id).status()).isEqualTo(Status.REPLAYED);
        }

        @Test
        void happensOnce_whenTwoOperatorsAskAtTheSameMoment() throws Exception {
            // given a send the broker takes its time to acknowledge
            String id = park("cart-1");
            CompletableFuture<Void> acknowledgement = new CompletableFuture<>();
            CountDownLatch sending = new CountDownLatch(1);
            topics.answerSendsWith(record -> {
                sending.countDown();
                return acknowledgement;
            });

            // when one replay is sending and a second one asks
            CompletableFuture<ParkedMessage> first = CompletableFuture.supplyAsync(
                    () -> parked().replay(id, "ada", ParkedMessagesTest::noAudit));
            assertThat(sending.await(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> parked().replay(id, "bob", ParkedMessagesTest::noAudit))
                    .isInstanceOf(ActionNotPossible.class).hasMessageContaining("is being replayed since")
                    .hasMessageContaining("by ada");
            acknowledgement.complete(null);

            // then the first replays it, and it was sent once
            assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.REPLAYED);
            assertThat(topics.sent()).hasSize(1);
            assertThatThrownBy(() -> parked().replay(id, "bob", ParkedMessagesTest::noAudit))
                    .isInstanceOf(ActionNotPossible.class).hasMessageContaining("was already replayed at");
            assertThat(topics.sent()).hasSize(1);
        }

        @Test
        void happensOnce_underManyConcurrentCalls() throws Exception {
            String id = park("cart-1");
            int callers = 8;
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Boolean>> calls = new ArrayList<>();
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
            for (int i = 0; i < callers; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                        parked().replay(id, "ada", ParkedMessagesTest::noAudit);
                        return true;
                    } catch (ActionNotPossible refused) {
                        return false;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }, threads));
            }
            start.countDown();

            List<Boolean> outcomes = new ArrayList<>();
            for (CompletableFuture<Boolean> call : calls) {
                outcomes.add(call.get(10, TimeUnit.SECONDS));
            }
            threads.close();
            assertThat(outcomes).containsOnlyOnce(true);
            assertThat(topics.sent()).hasSize(1);
        }

        @Test
        void aFailedSend_removesTheClaim_soTheMessageIsPendingAndCanBeReplayedLater() {
            String id = park("cart-1");
            topics.answerSendsWith(record -> CompletableFuture.failedFuture(new IllegalStateException("broker away")));

            assertThatThrownBy(() -> parked().replay(id, "ada", ParkedMessagesTest::noAudit))
                    .isInstanceOf(ServiceUnavailable.class).hasMessageContaining("pending again");
            assertThat(parked().get(id).status()).isEqualTo(Status.PENDING);
            assertThat(parked().counts(DLQ)).isEqualTo(new ParkedMessages.Counts(DLQ, 1, 0, 0));

            topics.answerSendsWith(record -> CompletableFuture.completedFuture(null));
            assertThat(parked().replay(id, "ada", ParkedMessagesTest::noAudit).status()).isEqualTo(Status.REPLAYED);
        }

        @Test
        void aFailingAudit_sendsNothing_andLeavesTheMessagePending() {
            String id = park("cart-1");

            assertThatThrownBy(() -> parked().replay(id, "ada", () -> {
                throw new IllegalStateException("the log is away");
            })).isInstanceOf(IllegalStateException.class);

            assertThat(topics.sent()).isEmpty();
            assertThat(parked().get(id).status()).isEqualTo(Status.PENDING);
        }

        @Test
        void aClaimLeftByAProcessThatDiedWhileSending_isPendingAgainAfterTwoMinutes() {
            // given a claim whose process died before its send finished
            String id = park("cart-1");
            jdbc.update("INSERT INTO parked_replays (dead_letter_topic, dlq_partition, dlq_offset, replayed_at, status)"
                    + " VALUES (?, 0, 0, ?, 'REPLAYING')", DLQ, java.sql.Timestamp.from(clock.instant()));
            assertThat(parked().get(id).status()).isEqualTo(Status.REPLAYED);
            assertThatThrownBy(() -> parked().replay(id, "ada", ParkedMessagesTest::noAudit))
                    .isInstanceOf(ActionNotPossible.class);

            // when it is stale
            clock.advance(Duration.ofMinutes(3));

            // then it counts as pending and can be replayed
            assertThat(parked().counts(DLQ).pending()).isEqualTo(1);
            assertThat(parked().replay(id, "ada", ParkedMessagesTest::noAudit).status()).isEqualTo(Status.REPLAYED);
            assertThat(topics.sent()).hasSize(1);
        }

        @Test
        void answers404ForAnUnknownMessage_or_aTopicThatIsNotAServicesDeadLetterTopic_and400ForAMalformedId() {
            park("cart-1");

            assertThatThrownBy(() -> parked().replay(DLQ + ":0:7", "ada", ParkedMessagesTest::noAudit))
                    .isInstanceOf(NotFoundInOps.class);
            assertThatThrownBy(() -> parked().replay(DLQ + ":3:0", "ada", ParkedMessagesTest::noAudit))
                    .isInstanceOf(NotFoundInOps.class);
            assertThatThrownBy(() -> parked().replay("orders.events:0:0", "ada", ParkedMessagesTest::noAudit))
                    .isInstanceOf(NotFoundInOps.class);
            for (String malformed : new String[] {"nothing", DLQ + ":x:0", DLQ + ":0:-1", ":0"}) {
                assertThatThrownBy(() -> parked().replay(malformed, "ada", ParkedMessagesTest::noAudit))
                        .isInstanceOf(InvalidRequest.class);
            }
            assertThat(topics.sent()).isEmpty();
        }
    }

    @Nested
    class Discarding {

        @Test
        void recordsTheReasonAndWho_andTheMessageIsNeverReplayed() {
            String id = park("cart-1");

            ParkedMessage discarded = parked().discard(id, "  a test order, nothing to do  ", "ada",
                    ParkedMessagesTest::noAudit);

            assertThat(discarded.status()).isEqualTo(Status.DISCARDED);
            assertThat(discarded.discardReason()).isEqualTo("a test order, nothing to do");
            assertThat(discarded.handledBy()).isEqualTo("ada");
            assertThat(discarded.discardedAt()).isNotNull();
            assertThat(discarded.replayedAt()).isNull();
            assertThatThrownBy(() -> parked().replay(id, "bob", ParkedMessagesTest::noAudit))
                    .isInstanceOf(ActionNotPossible.class).hasMessageContaining("was discarded at")
                    .hasMessageContaining("a test order, nothing to do");
            assertThatThrownBy(() -> parked().discard(id, "again", "bob", ParkedMessagesTest::noAudit))
                    .isInstanceOf(ActionNotPossible.class);
            assertThat(topics.sent()).isEmpty();
            assertThat(parked().list(DLQ, 10)).singleElement()
                    .satisfies(message -> assertThat(message.discardReason()).isEqualTo("a test order, nothing to do"));
        }

        @Test
        void aReplayedMessage_cannotBeDiscarded() {
            String id = park("cart-1");
            parked().replay(id, "ada", ParkedMessagesTest::noAudit);

            assertThatThrownBy(() -> parked().discard(id, "too late", "bob", ParkedMessagesTest::noAudit))
                    .isInstanceOf(ActionNotPossible.class).hasMessageContaining("was already replayed");
            assertThat(parked().get(id).status()).isEqualTo(Status.REPLAYED);
        }

        @Test
        void needsAReason_nonBlank_atMost500Characters() {
            String id = park("cart-1");

            for (String reason : new String[] {null, "", "   ", "x".repeat(501)}) {
                assertThatThrownBy(() -> parked().discard(id, reason, "ada", ParkedMessagesTest::noAudit))
                        .isInstanceOf(ActionRefused.class);
            }
            assertThat(parked().get(id).status()).isEqualTo(Status.PENDING);
            assertThat(parked().discard(id, "x".repeat(500), "ada", ParkedMessagesTest::noAudit).status())
                    .isEqualTo(Status.DISCARDED);
        }

        @Test
        void aFailingAudit_leavesTheMessagePending() {
            String id = park("cart-1");

            assertThatThrownBy(() -> parked().discard(id, "why", "ada", () -> {
                throw new IllegalStateException("the log is away");
            })).isInstanceOf(IllegalStateException.class);

            assertThat(parked().get(id).status()).isEqualTo(Status.PENDING);
        }
    }

    @Nested
    class Listing {

        @Test
        void countsAndListsEachMessageWithItsStatus_oldestFirst() {
            String replayed = park("cart-1");
            String discarded = park("cart-2");
            String pending = park("cart-3");
            parked().replay(replayed, "ada", ParkedMessagesTest::noAudit);
            parked().discard(discarded, "duplicate", "ada", ParkedMessagesTest::noAudit);

            assertThat(parked().counts(DLQ)).isEqualTo(new ParkedMessages.Counts(DLQ, 1, 1, 1));
            assertThat(parked().counts(DLQ, 2)).isEqualTo(new ParkedMessages.Counts(DLQ, 0, 1, 1));
            assertThat(parked().list(DLQ, 10)).extracting(ParkedMessage::id, ParkedMessage::status)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(replayed, Status.REPLAYED),
                            org.assertj.core.groups.Tuple.tuple(discarded, Status.DISCARDED),
                            org.assertj.core.groups.Tuple.tuple(pending, Status.PENDING));
            assertThat(parked().list(DLQ, 2)).extracting(ParkedMessage::id).containsExactly(discarded, pending);
            assertThat(parked().list(DLQ, 1, (message, payload) -> new String(payload, StandardCharsets.UTF_8)))
                    .containsExactly("{\"stream\":\"cart-3\",\"email\":\"ada@example.com\"}");
        }

        @Test
        void readsReplaysRecordedBeforeTheTableHadAStatus_asReplays() {
            // given the table as it was when a message could only be replayed, made before the migrations existed
            jdbc.execute("DROP TABLE parked_replays");
            jdbc.execute("DROP TABLE \"" + EventSourcingTables.HISTORY + "\"");
            jdbc.execute("CREATE TABLE parked_replays (dead_letter_topic VARCHAR(250) NOT NULL, "
                    + "dlq_partition INT NOT NULL, dlq_offset BIGINT NOT NULL, replayed_at TIMESTAMP NOT NULL, "
                    + "PRIMARY KEY (dead_letter_topic, dlq_partition, dlq_offset))");
            jdbc.update("INSERT INTO parked_replays VALUES (?, 0, 0, CURRENT_TIMESTAMP)", DLQ);
            // when the service starts on it
            EventSourcingTables.migrate(dataSource);
            String id = park("cart-1");

            assertThat(parked().get(id).status()).isEqualTo(Status.REPLAYED);
            assertThatThrownBy(() -> parked().replay(id, "ada", ParkedMessagesTest::noAudit))
                    .isInstanceOf(ActionNotPossible.class);
        }
    }

    @Nested
    class ReplayingAll {

        @Test
        void goesInChunks_skippingWhatWasHandled_andStopsBelowUpTo() {
            // given 8 parked messages, of which the second was discarded
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(park("cart-" + i));
            }
            parked().discard(ids.get(1), "duplicate", "ada", ParkedMessagesTest::noAudit);
            List<Integer> chunks = new ArrayList<>();

            // when every pending one below offset 7 is replayed, 3 records at a time
            parked().replayAll(DLQ, 7, 3, "ada", (replayed, skipped) -> chunks.add(replayed.size()));

            // then
            assertThat(chunks).containsExactly(2, 3, 1);
            assertThat(topics.sent()).extracting(record -> new String(record.key(), StandardCharsets.UTF_8))
                    .containsExactly("cart-0", "cart-2", "cart-3", "cart-4", "cart-5", "cart-6");
            assertThat(parked().get(ids.get(7)).status()).isEqualTo(Status.PENDING);
            assertThat(parked().counts(DLQ)).isEqualTo(new ParkedMessages.Counts(DLQ, 1, 6, 1));
        }

        @Test
        void stopsAfterTheChunkAtHand_whenProgressSaysSo() {
            for (int i = 0; i < 5; i++) {
                park("cart-" + i);
            }

            parked().replayAll(DLQ, Long.MAX_VALUE, 2, "ada", (replayed, skipped) -> false);

            assertThat(topics.sent()).hasSize(2);
            assertThat(parked().counts(DLQ).pending()).isEqualTo(3);
        }

        @Test
        void aFailedSend_endsTheRun_andLeavesWhatTheBrokerDidNotTakePending() {
            for (int i = 0; i < 4; i++) {
                park("cart-" + i);
            }
            topics.answerSendsWith(record -> new String(record.key(), StandardCharsets.UTF_8).equals("cart-1")
                    ? CompletableFuture.failedFuture(new IllegalStateException("too large"))
                    : CompletableFuture.completedFuture(null));
            List<Integer> chunks = new ArrayList<>();

            assertThatThrownBy(() -> parked().replayAll(DLQ, Long.MAX_VALUE, 2, "ada",
                    (replayed, skipped) -> chunks.add(replayed.size())))
                    .isInstanceOf(ServiceUnavailable.class).hasMessageContaining(DLQ + ":0:1");

            assertThat(chunks).containsExactly(1);
            assertThat(parked().counts(DLQ)).isEqualTo(new ParkedMessages.Counts(DLQ, 3, 1, 0));
        }

        @Test
        void refusesATopicThatIsNotAServicesDeadLetterTopic() {
            parked();
            assertThatThrownBy(() -> parked().replayAll("orders.events", Long.MAX_VALUE, 2, "ada",
                    (replayed, skipped) -> true)).isInstanceOf(NotFoundInOps.class);
        }
    }

    @Test
    void closingIt_closesTheBrokersClients() {
        parked().close();
        assertThat(topics.closed()).isTrue();
    }

    @Nested
    class Causes {

        @Test
        void theInnermostCause_isWhyAMessageWasParked_notTheFrameworksWrapper() {
            String trace = """
                    org.springframework.messaging.MessagingException: error occurred in message handler [binder]; not an account id
                    \tat org.springframework.integration.handler.AbstractMessageHandler.handle(AbstractMessageHandler.java:70)
                    Caused by: java.lang.IllegalStateException: failed to apply
                    \tat eventshop.Apply.on(Apply.java:1)
                    Caused by: eventshop.eventsourcing.consuming.MalformedMessage: not an account id in IncomingEvent[ActivateAccount]: x
                    \t... 12 more
                    """;

            ParkedMessages.Cause cause = ParkedMessages.Cause.of("org.springframework.messaging.MessagingException",
                    "error occurred in message handler [binder]; not an account id", trace);

            assertThat(cause).isEqualTo(new ParkedMessages.Cause("eventshop.eventsourcing.consuming.MalformedMessage",
                    "not an account id in IncomingEvent[ActivateAccount]: x"));
        }

        @Test
        void withoutACause_orATrace_theCaughtExceptionIsWhy() {
            assertThat(ParkedMessages.Cause.of("java.lang.IllegalStateException", "boom",
                    "java.lang.IllegalStateException: boom\n\tat x.y(Z.java:1)\n"))
                    .isEqualTo(new ParkedMessages.Cause("java.lang.IllegalStateException", "boom"));
            assertThat(ParkedMessages.Cause.of("java.lang.IllegalStateException", "boom", null))
                    .isEqualTo(new ParkedMessages.Cause("java.lang.IllegalStateException", "boom"));
            assertThat(ParkedMessages.Cause.of(null, null, "Caused by: eventshop.Gone"))
                    .isEqualTo(new ParkedMessages.Cause("eventshop.Gone", null));
        }
    }
}
