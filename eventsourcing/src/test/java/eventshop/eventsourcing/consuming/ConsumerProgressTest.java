package eventshop.eventsourcing.consuming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.InvalidConsistencyToken;
import eventshop.eventsourcing.consistency.NotYetConsistent;
import eventshop.eventsourcing.consistency.ReadModelProgress;
import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.relay.EventHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link ConsumerProgress} without Kafka: what releases a token's wait, and what never does. */
class ConsumerProgressTest {

    private static final String TOPIC = "carts.events";

    private final ConsumerProgress progress = new ConsumerProgress(() -> Set.of(TOPIC));
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    /** A stream that the default partitioner puts on {@code partition} of a topic with {@code partitions}. */
    static String streamOn(int partition, int partitions) {
        for (int i = 0; ; i++) {
            String stream = "cart-" + i;
            if (EventHeaders.partition(stream, partitions) == partition) {
                return stream;
            }
        }
    }

    static ConsistencyToken token(long position, String stream) {
        return new ConsistencyToken("carts", position, stream);
    }

    @Nested
    class Partitions {

        @Test
        void aTokensWait_endsExactlyWhenItsStreamsPartitionReachesItsPosition() {
            // given a topic of 3 partitions and a token of a stream on partition 1
            ConsumerProgress.Feed feed = progress.feed(TOPIC, "orders");
            feed.partitions(3);
            String stream = streamOn(1, 3);
            CompletableFuture<Void> wait = progress.whenProcessed(token(100, stream));

            // when other partitions get far beyond it, and its own partition gets just short of it
            feed.processed(0, 500);
            feed.processed(2, 900);
            feed.processed(1, 99);

            // then it still waits
            assertThat(wait).isNotDone();

            // and when its partition reaches the position, it is released
            feed.processed(1, 100);
            assertThat(wait).isCompleted();
        }

        @Test
        void aPositionBeyondTheTokens_onItsPartition_releasesItAtOnce() {
            ConsumerProgress.Feed feed = progress.feed(TOPIC, "orders");
            feed.partitions(3);
            String stream = streamOn(2, 3);
            feed.processed(2, 130);

            assertThat(progress.whenProcessed(token(120, stream))).isCompleted();
            assertThat(progress.whenProcessed(token(131, stream))).isNotDone();
        }

        @Test
        void theStreamsPartition_isTheDefaultPartitionersOfItsKey() {
            // murmur2 of "cart-0"'s bytes, as Kafka's BuiltInPartitioner computes it for 3 and 12 partitions
            assertThat(EventHeaders.partition("cart-0", 1)).isZero();
            for (int partitions : new int[] {3, 12}) {
                for (int i = 0; i < 50; i++) {
                    String stream = "s-" + i;
                    assertThat(EventHeaders.partition(stream, partitions)).isEqualTo(
                            org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(
                                    stream.getBytes(java.nio.charset.StandardCharsets.UTF_8), partitions));
                }
            }
        }

        @Test
        void aWaitBeforeThePartitionCountIsKnown_waitsForIt_thenForItsPartition() {
            ConsumerProgress.Feed feed = progress.feed(TOPIC, "orders");
            String stream = streamOn(1, 2);
            CompletableFuture<Void> wait = progress.whenProcessed(token(10, stream));
            feed.processed(0, 50);
            assertThat(wait).isNotDone();

            feed.partitions(2);
            assertThat(wait).isNotDone();

            feed.processed(1, 10);
            assertThat(wait).isCompleted();
        }
    }

    @Nested
    class Duplicates {

        @Test
        void anOlderCopy_afterARelayResumed_neverMovesThePositionBack() {
            ConsumerProgress.Feed feed = progress.feed(TOPIC, "orders");
            feed.partitions(1);
            feed.processed(0, 10);
            feed.processed(0, 12);
            feed.processed(0, 15);
            feed.processed(0, 12); // the relay resumed from an older checkpoint: copies again
            feed.processed(0, 15);

            assertThat(feed.processed(0)).isEqualTo(15);
            assertThat(progress.whenProcessed(token(15, "cart-a"))).isCompleted();
            assertThat(progress.whenProcessed(token(16, "cart-a"))).isNotDone();
        }
    }

    @Nested
    class Seeding {

        @Test
        void aSeedFromTheCommittedOffsets_releasesTokensFromBeforeARestart_withoutNewRecords() {
            // given a restarted service: nothing processed since, a token from before the restart
            ConsumerProgress.Feed feed = progress.feed(TOPIC, "orders");
            feed.partitions(3);
            String stream = streamOn(0, 3);
            CompletableFuture<Void> wait = progress.whenProcessed(token(40, stream));

            // when the seed learns what was processed before the restart
            feed.processed(0, 57);

            // then
            assertThat(wait).isCompleted();
        }

        @Test
        void aSeedBehindWhatWasProcessedMeanwhile_changesNothing() {
            ConsumerProgress.Feed feed = progress.feed(TOPIC, "orders");
            feed.partitions(1);
            feed.processed(0, 90);

            feed.processed(0, 57);

            assertThat(feed.processed(0)).isEqualTo(90);
        }
    }

    @Nested
    class Cancellation {

        @Test
        void cancellingAWait_withdrawsIt() {
            ConsumerProgress.Feed feed = progress.feed(TOPIC, "orders");
            feed.partitions(3);
            List<CompletableFuture<Void>> waits = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                waits.add(progress.whenProcessed(token(100 + i, streamOn(i % 3, 3))));
            }
            assertThat(feed.waiting()).isEqualTo(5);

            waits.forEach(wait -> wait.cancel(false));

            assertThat(feed.waiting()).isZero();
        }

        @Test
        void cancellingAWait_beforeThePartitionCountIsKnown_withdrawsIt() {
            ConsumerProgress.Feed feed = progress.feed(TOPIC, "orders");
            CompletableFuture<Void> wait = progress.whenProcessed(token(5, "cart-a"));
            assertThat(feed.waiting()).isEqualTo(1);

            wait.cancel(false);
            feed.partitions(4);

            assertThat(feed.waiting()).isZero();
        }

        @Test
        void aWaitThatTimesOut_isWithdrawn_andTheQueryIs503WithWhereTheConsumerIs() {
            ConsumerProgress.Feed feed = progress.feed(TOPIC, "orders");
            feed.partitions(3);
            feed.assigned(List.of(0, 1, 2));
            String stream = streamOn(1, 3);
            feed.processed(1, 7);
            ReadModelProgress readModel = progress.readModel("order", "carts");

            assertThatThrownBy(() -> new ReadYourWrites(Duration.ofMillis(30)).await(readModel,
                    token(8, stream).toString()))
                    .isInstanceOf(NotYetConsistent.class)
                    .hasMessageContaining("'order'")
                    .hasMessageContaining("processed up to position 7 of carts on partition 1 of carts.events");
            assertThat(feed.waiting()).isZero();
        }

        @Test
        void aPartitionNotAssignedHere_isNamedInThe503() {
            ConsumerProgress.Feed feed = progress.feed(TOPIC, "orders");
            feed.partitions(2);
            feed.assigned(List.of(0));
            String stream = streamOn(1, 2);

            assertThatThrownBy(() -> new ReadYourWrites(Duration.ZERO).await(progress.readModel("order", "carts"),
                    token(3, stream).toString()))
                    .isInstanceOf(NotYetConsistent.class).hasMessageContaining("not assigned to this instance");
        }
    }

    @Nested
    class ReadYourWritesOverConsumers {

        @Test
        void aQueryWaits_untilTheConsumerProcessedTheTokensRecord_andNoLonger() throws Exception {
            ConsumerProgress.Feed feed = progress.feed(TOPIC, "orders");
            feed.partitions(3);
            String stream = streamOn(2, 3);
            ReadModelProgress readModel = progress.readModel("order", "carts");
            String header = token(33, stream).toString();

            CompletableFuture<Void> query = CompletableFuture.runAsync(
                    () -> new ReadYourWrites(Duration.ofSeconds(60)).await(readModel, header), background);
            // the query thread parks on the future: the wait is registered before we advance
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> feed.waiting() == 1);
            assertThat(query).isNotDone();

            feed.processed(2, 33);

            query.get(60, TimeUnit.SECONDS);
            assertThat(feed.waiting()).isZero();
        }

        @Test
        void aTokenWithoutStream_isExact_onATopicOfOnePartition() {
            ConsumerProgress.Feed feed = progress.feed(TOPIC, "orders");
            feed.partitions(1);
            feed.processed(0, 20);

            new ReadYourWrites(Duration.ZERO).await(progress.readModel("order", "carts"), "carts:20");
            assertThatThrownBy(() -> new ReadYourWrites(Duration.ZERO).await(progress.readModel("order", "carts"),
                    "carts:21")).isInstanceOf(NotYetConsistent.class);
        }

        @Test
        void aTokenWithoutStream_isRefused_onATopicOfSeveralPartitions() {
            progress.feed(TOPIC, "orders").partitions(3);

            assertThatThrownBy(() -> new ReadYourWrites(Duration.ofSeconds(5)).await(
                    progress.readModel("order", "carts"), "carts:20"))
                    .isInstanceOf(InvalidConsistencyToken.class).hasMessageContaining("names no stream")
                    .hasMessageContaining("3 partitions");
        }

        @Test
        void aTokenWithoutStream_thatWaitedForThePartitionCount_isRefusedWhenItTurnsOutToBeSeveral() throws Exception {
            ConsumerProgress.Feed feed = progress.feed(TOPIC, "orders");
            CompletableFuture<Void> query = CompletableFuture.runAsync(() -> new ReadYourWrites(Duration.ofSeconds(60))
                    .await(progress.readModel("order", "carts"), "carts:20"), background);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> feed.waiting() == 1);

            feed.partitions(2);

            assertThatThrownBy(() -> query.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidConsistencyToken.class);
        }

        @Test
        void tokensOfSourcesTheServiceDoesNotConsume_orTheReadModelDoesNotFollow_areRefused() {
            ReadModelProgress readModel = progress.readModel("order", "carts", "payments");

            assertThat(readModel.follows("carts")).isTrue();
            assertThat(readModel.follows("payments")).as("no consumer of payments.events").isFalse();
            assertThat(readModel.follows("inventory")).isFalse();
            assertThatThrownBy(() -> new ReadYourWrites(Duration.ZERO).await(readModel, "payments:1@payment-1"))
                    .isInstanceOf(InvalidConsistencyToken.class).hasMessageContaining("does not follow");
        }

        @Test
        void everyGroupReadingTheTopic_mustHaveProcessedIt() {
            ConsumerProgress.Feed orders = progress.feed(TOPIC, "orders");
            ConsumerProgress.Feed audit = progress.feed(TOPIC, "audit");
            orders.partitions(1);
            audit.partitions(1);
            CompletableFuture<Void> wait = progress.whenProcessed(token(9, "cart-a"));

            orders.processed(0, 9);
            assertThat(wait).isNotDone();

            audit.processed(0, 9);
            assertThat(wait).isCompleted();
        }

        @Test
        void cancellingAWaitOnSeveralGroups_withdrawsItFromEach() {
            ConsumerProgress.Feed orders = progress.feed(TOPIC, "orders");
            ConsumerProgress.Feed audit = progress.feed(TOPIC, "audit");
            orders.partitions(1);
            audit.partitions(1);
            CompletableFuture<Void> wait = progress.whenProcessed(token(9, "cart-a"));
            assertThat(orders.waiting() + audit.waiting()).isEqualTo(2);

            wait.cancel(false);

            assertThat(orders.waiting() + audit.waiting()).isZero();
        }

        @Test
        void combinedWithTheServicesOwnStreams_itsOwnTokensDoNotWait() {
            progress.feed(TOPIC, "orders").partitions(1);
            ReadModelProgress detail = ReadModelProgress.anyOf("order", ReadModelProgress.current("order", "orders"),
                    progress.readModel("order", "carts"));

            new ReadYourWrites(Duration.ZERO).await(detail, "orders:123456@order-1");
            assertThatThrownBy(() -> new ReadYourWrites(Duration.ZERO).await(detail, "carts:1@cart-a"))
                    .isInstanceOf(NotYetConsistent.class);
            assertThatThrownBy(() -> new ReadYourWrites(Duration.ZERO).await(detail, "views:1"))
                    .isInstanceOf(InvalidConsistencyToken.class);
        }
    }
}
