package eventshop.eventstore.file;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.WrongExpectedVersion;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM that appends to a file store with SIGKILL at random moments, many times over the same
 * directory, and after every kill checks the recovered store: nothing acknowledged is lost or
 * changed, positions and stream versions stay gapless, no batch survives in part, appends that
 * were in flight at the kill can be retried safely (a no-op if they were stored), and the store
 * takes appends again (the test's own, then the next child's).
 *
 * <p>The seed is printed and can be replayed with {@code -Deventshop.crash.seed=<seed>}; kill
 * timing still varies between runs, which is the point.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FileEngineCrashTest {

    private static final int WRITERS = 4;
    private static final String PARENT_STREAM = "crash-parent";

    @TempDir
    Path tmp;

    @Test
    void fsyncStore_keepsEveryAcknowledgedEvent_acrossTwentyKills() throws Exception {
        crashRepeatedly(Durability.FSYNC, 20);
    }

    @Test
    void intervalStore_losesNothingAcknowledged_whenOnlyTheProcessDies() throws Exception {
        crashRepeatedly(Durability.INTERVAL, 3);
    }

    @Test
    void unsyncedStore_losesNothingAcknowledged_whenOnlyTheProcessDies() throws Exception {
        crashRepeatedly(Durability.NONE, 3);
    }

    /**
     * Retries an append that was in flight when the child was killed, as its client would: if the
     * batch was stored the retry is a no-op answered like the original append, if not it is stored
     * now (or, on the stream all writers share, may meet a writer that got there first).
     */
    private static String retryAfterRecovery(EventStore store, CrashBatch batch, StoreAudit.Content content,
                                             List<CrashAck> acks, String where) {
        List<RecordedEvent> stream = content.streams().getOrDefault(batch.stream(), List.of());
        boolean stored = stream.size() > batch.first() && batch.equals(CrashBatch.of(stream.get((int) batch.first())));
        ExpectedVersion expected = batch.first() == 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(batch.first() - 1);
        String what = where + ": retry of " + batch + (stored ? ", which was stored," : ", which was not stored,");
        long headBefore = store.headPosition();
        AppendResult result;
        try {
            result = store.append(batch.stream(), expected, batch.events());
        } catch (WrongExpectedVersion e) {
            assertThat(stored || !batch.stream().equals(CrashingAppender.SHARED_STREAM))
                    .as("%s failed with %s", what, e).isFalse();
            return "lost the race";
        }
        long head = store.headPosition();
        AppendResult original = stored
                ? new AppendResult(batch.last(), stream.get((int) batch.last()).position())
                : new AppendResult(batch.last(), head);
        assertThat(result).as(what).isEqualTo(original);
        if (!stored) {
            assertThat(head).as("%s: head", what).isEqualTo(headBefore + batch.size());
        }
        acks.add(new CrashAck(batch, result.streamVersion(), result.position(), CrashBatch.hash(batch.events())));
        return stored ? "stored before the kill" : "stored by the retry";
    }

    private void crashRepeatedly(Durability durability, int rounds) throws Exception {
        long seed = Long.getLong("eventshop.crash.seed", new SecureRandom().nextLong());
        Random random = new Random(seed);
        Path dir = tmp.resolve("store");
        List<CrashAck> acks = new ArrayList<>();
        long expectedHead = -1;
        long childAcks = 0;
        Map<String, Integer> retries = new TreeMap<>();
        for (int round = 0; round < rounds; round++) {
            String where = durability + " seed " + seed + " round " + round;

            // given a child appending from several threads
            List<String> lines;
            try (ChildJvm child = ChildJvm.start(CrashingAppender.class, tmp.resolve("logs/round-" + round + ".err"),
                    dir.toString(), Long.toString(seed + round * 7919L), durability.name(), Integer.toString(WRITERS))) {
                String opened = child.awaitLine(line -> line.startsWith(CrashingAppender.OPENED), Duration.ofSeconds(60));
                assertThat(opened).as("%s: head the child recovered", where)
                        .isEqualTo(CrashingAppender.OPENED + " head=" + expectedHead);
                child.awaitLine(CrashingAppender.APPENDING::equals, Duration.ofSeconds(60));

                // when it is killed at a random moment
                Thread.sleep(50 + random.nextInt(351));
                child.kill();
                lines = child.lines();
                assertThat(lines).as("%s: child errors%s", where, child.describe())
                        .noneMatch(line -> line.startsWith(CrashingAppender.ERROR));
            }
            List<CrashAck> roundAcks = lines.stream().map(CrashAck::parse).filter(ack -> ack != null).toList();
            assertThat(roundAcks).as("%s: acks printed before %s", where, CrashingAppender.APPENDING).isNotEmpty();
            acks.addAll(roundAcks);
            childAcks += roundAcks.size();
            Set<CrashBatch> answered = roundAcks.stream().map(CrashAck::batch).collect(Collectors.toSet());
            lines.stream().filter(line -> line.startsWith(CrashingAppender.REJECTED + " "))
                    .map(line -> CrashBatch.parseSend(line.substring(CrashingAppender.REJECTED.length() + 1)))
                    .filter(batch -> batch != null).forEach(answered::add);
            List<CrashBatch> inFlight = lines.stream().map(CrashBatch::parseSend)
                    .filter(batch -> batch != null && !answered.contains(batch)).toList();

            // then the reopened store holds every acknowledged event, intact, and takes appends again:
            // first the retries of the appends in flight at the kill, then an append of its own
            try (FileEventStore store = FileEventStore.open(dir, CrashingAppender.options(durability))) {
                StoreAudit.Content content = StoreAudit.verify(store, acks);
                for (CrashBatch batch : inFlight) {
                    retries.merge(retryAfterRecovery(store, batch, content, acks, where), 1, Integer::sum);
                }
                content = StoreAudit.verify(store, acks);
                long version = store.streamVersion(PARENT_STREAM);
                CrashBatch batch = new CrashBatch(PARENT_STREAM, version + 1, 2, random.nextLong());
                AppendResult result = store.append(PARENT_STREAM,
                        version < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(version), batch.events());
                assertThat(result).as("%s: append after recovery", where)
                        .isEqualTo(new AppendResult(batch.last(), content.head() + 2));
                acks.add(new CrashAck(batch, result.streamVersion(), result.position(), CrashBatch.hash(batch.events())));
                expectedHead = result.position();
            }
        }

        // and a final clean reopen still agrees
        try (FileEventStore store = FileEventStore.open(dir, CrashingAppender.options(durability))) {
            StoreAudit.Content content = StoreAudit.verify(store, acks);
            assertThat(content.head()).isEqualTo(expectedHead);
            System.out.printf("%s crash test, seed %d: %d rounds, %d child acks, %d events in %d streams,"
                            + " in-flight appends retried: %s%n",
                    durability, seed, rounds, childAcks, content.all().size(), content.streams().size(), retries);
        }
    }
}
