package eventshop.eventstore.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Limits;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.StoreClosedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every durability mode keeps exactly what was appended across a clean close and reopen, over
 * several segments and index checkpoints, and appending carries on gaplessly afterwards.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FileEngineDurabilityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    static FileEventStoreOptions options(Durability durability) {
        return FileEventStoreOptions.defaults().withDurability(durability).withFsyncInterval(Duration.ofMillis(2))
                .withSegmentBytes(1024 * 1024).withIndexCheckpointBytes(128 * 1024);
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void content_roundTripsExactly_acrossCloseAndReopen(Durability durability) {
        // given a store holding varied events over several segments
        List<RecordedEvent> before;
        try (EventStore store = FileEventStore.open(dir, options(durability))) {
            appendVariedEvents(store, new Random(durability.ordinal()));
            before = StoreAudit.readEverything(store);
        }
        assertThat(before.size()).isGreaterThan(300);

        // when it is reopened, twice, with an append in between
        RecordedEvent added;
        try (EventStore store = FileEventStore.open(dir, options(durability))) {
            // then it holds the same events
            assertSameContent(store, before);
            AppendResult result = store.append("after-reopen", ExpectedVersion.noStream(),
                    List.of(event(new Random(1), 10)));
            assertThat(result).isEqualTo(new AppendResult(0, before.size()));
            added = store.readAll(before.size(), 1).blockFirst(TIMEOUT);
        }
        try (EventStore store = FileEventStore.open(dir, options(durability))) {
            List<RecordedEvent> expected = new ArrayList<>(before);
            expected.add(added);
            assertSameContent(store, expected);
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void appendsAcknowledgedBeforeClose_survive_andRejectedOnesLeaveNoTrace(Durability durability) throws Exception {
        // given appends in flight from several threads while the store closes
        List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
        List<List<EventData>> batches = new ArrayList<>();
        EventStore store = FileEventStore.open(dir, options(durability));
        List<Thread> writers = new ArrayList<>();
        try {
            for (int writer = 0; writer < 4; writer++) {
                int id = writer;
                writers.add(Thread.ofPlatform().start(() -> {
                    Random random = new Random(id);
                    for (int i = 0; i < 300; i++) {
                        List<EventData> batch = List.of(event(random, 200), event(random, 200));
                        CompletableFuture<AppendResult> future;
                        try {
                            future = store.appendAsync("in-flight-" + id, ExpectedVersion.any(), batch);
                        } catch (StoreClosedException e) {
                            future = CompletableFuture.failedFuture(e);
                        }
                        synchronized (futures) {
                            futures.add(future);
                            batches.add(batch);
                        }
                    }
                }));
            }
            // close once some appends were acknowledged, with more still coming
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                synchronized (futures) {
                    return futures.stream().filter(future -> future.isDone() && !future.isCompletedExceptionally())
                            .count() >= 10;
                }
            });
        } finally {
            store.close();
        }
        for (Thread writer : writers) {
            writer.join();
        }

        // then each append either succeeded or was refused as closed
        Set<UUID> acknowledged = new HashSet<>();
        Set<UUID> refused = new HashSet<>();
        for (int i = 0; i < futures.size(); i++) {
            try {
                futures.get(i).get(30, TimeUnit.SECONDS);
                batches.get(i).forEach(event -> acknowledged.add(event.eventId()));
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).as("append %d", i).isInstanceOf(StoreClosedException.class);
                batches.get(i).forEach(event -> refused.add(event.eventId()));
            }
        }
        assertThat(acknowledged).isNotEmpty();

        // and after reopening exactly the acknowledged events are there
        try (EventStore reopened = FileEventStore.open(dir, options(durability))) {
            Set<UUID> stored = new HashSet<>();
            StoreAudit.verify(reopened, List.of()).all().forEach(event -> stored.add(event.eventId()));
            assertThat(stored).containsAll(acknowledged);
            assertThat(refused).as("events of refused appends").noneMatch(stored::contains);
        }
    }

    private static void assertSameContent(EventStore store, List<RecordedEvent> expected) {
        assertThat(store.headPosition()).isEqualTo(expected.size() - 1);
        List<RecordedEvent> all = StoreAudit.readEverything(store);
        for (int i = 0; i < expected.size(); i++) {
            if (!expected.get(i).equals(all.get(i))) {
                throw new AssertionError("after reopen, position " + i + " holds " + all.get(i) + " with "
                        + all.get(i).metadata() + " instead of " + expected.get(i) + " with " + expected.get(i).metadata());
            }
        }
        expected.stream().map(RecordedEvent::streamId).distinct().forEach(stream -> {
            List<RecordedEvent> ofStream = expected.stream().filter(event -> event.streamId().equals(stream)).toList();
            assertThat(store.streamVersion(stream)).as("version of %s", stream).isEqualTo(ofStream.size() - 1);
            assertThat(store.read(stream, 0).collectList().block(TIMEOUT)).as("read(%s)", stream).isEqualTo(ofStream);
            long middle = ofStream.size() / 2;
            assertThat(store.read(stream, middle).collectList().block(TIMEOUT)).as("read(%s, %d)", stream, middle)
                    .isEqualTo(ofStream.subList((int) middle, ofStream.size()));
        });
    }

    /** Appends about 4 MiB: odd stream ids, empty and large data, rich metadata, sync and async, small and big batches. */
    private static void appendVariedEvents(EventStore store, Random random) {
        List<String> streams = List.of("cart-1", "käse-🧀-€", "x".repeat(Limits.MAX_STREAM_ID_LENGTH), "orders/42 with spaces",
                "ünïcödé-ストリーム");
        List<CompletableFuture<AppendResult>> pending = new ArrayList<>();
        long bytes = 0;
        while (bytes < 4L * 1024 * 1024) {
            String stream = streams.get(random.nextInt(streams.size()));
            int size = random.nextInt(10) == 0 ? 50 + random.nextInt(100) : 1 + random.nextInt(4);
            List<EventData> batch = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                int dataSize = switch (random.nextInt(20)) {
                    case 0 -> 0;
                    case 1 -> 100_000 + random.nextInt(200_000);
                    default -> random.nextInt(2048);
                };
                batch.add(event(random, dataSize));
                bytes += dataSize;
            }
            if (random.nextBoolean()) {
                pending.add(store.appendAsync(stream, ExpectedVersion.any(), batch));
            } else {
                store.append(stream, ExpectedVersion.any(), batch);
            }
        }
        store.append("big", ExpectedVersion.noStream(), List.of(event(random, 900 * 1024)));
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw new AssertionError("an async append failed", e);
        }
    }

    private static EventData event(Random random, int dataSize) {
        byte[] data = new byte[dataSize];
        random.nextBytes(data);
        if (dataSize > 0 && random.nextBoolean()) {
            byte[] json = ("{\"note\":\"ü€🧀\",\"n\":" + random.nextInt() + "}").getBytes(StandardCharsets.UTF_8);
            data = json;
        }
        Metadata metadata = switch (random.nextInt(3)) {
            case 0 -> Metadata.EMPTY;
            case 1 -> Metadata.at(Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000_000)));
            default -> new Metadata(UUID.randomUUID().toString(), "cause-" + random.nextInt(), "user-ü-" + random.nextInt(10),
                    Instant.ofEpochSecond(-random.nextInt(1_000_000), random.nextInt(1_000_000_000)), 1 + random.nextInt(5),
                    Map.of("traceparent", "00-" + Long.toHexString(random.nextLong()) + "-01", "empty", "",
                            "ключ", "значение"));
        };
        return new EventData(new UUID(random.nextLong(), random.nextLong()), "Type" + random.nextInt(5), data, metadata);
    }
}
