package eventshop.eventstore.file;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.WrongExpectedVersion;
import java.nio.file.Files;
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
import java.util.stream.Stream;
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
 *
 * <p>The fsync test kills 20 times in CI. The soak outside CI ({@code benchmarks/crash-file-engine})
 * runs it with {@code -Deventshop.crash.rounds=<kills>}, starting a fresh directory every
 * {@code -Deventshop.crash.roundsPerStore=<n>} kills (so each audit of the whole store stays short),
 * and with JUnit's timeouts disabled.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FileEngineCrashTest {

    private static final int WRITERS = 4;
    private static final String PARENT_STREAM = "crash-parent";

    @TempDir
    Path tmp;

    @Test
    void fsyncStore_keepsEveryAcknowledgedEvent_acrossRepeatedKills() throws Exception {
        int rounds = Integer.getInteger("eventshop.crash.rounds", 20);
        crashRepeatedly(Durability.FSYNC, rounds, Integer.getInteger("eventshop.crash.roundsPerStore", rounds));
    }

    @Test
    void intervalStore_losesNothingAcknowledged_whenOnlyTheProcessDies() throws Exception {
        crashRepeatedly(Durability.INTERVAL, 3, 3);
    }

    @Test
    void unsyncedStore_losesNothingAcknowledged_whenOnlyTheProcessDies() throws Exception {
        crashRepeatedly(Durability.NONE, 3, 3);
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

    /** What a run did, for its summary line (the soak script reads it). */
    private static final class Tally {
        int kills;
        int stores;
        long childAcks;
        long acksChecked;
        int tornTails;
        long tornBytes;
        long events;
        final Map<String, Integer> retries = new TreeMap<>();
    }

    private void crashRepeatedly(Durability durability, int rounds, int roundsPerStore) throws Exception {
        assertThat(rounds).as("eventshop.crash.rounds").isPositive();
        assertThat(roundsPerStore).as("eventshop.crash.roundsPerStore").isPositive();
        long seed = Long.getLong("eventshop.crash.seed", new SecureRandom().nextLong());
        Random random = new Random(seed);
        Tally tally = new Tally();
        long started = System.nanoTime();
        for (int first = 0; first < rounds; first += roundsPerStore) {
            Path dir = tmp.resolve("store-" + tally.stores);
            crashOneStore(durability, seed, random, dir, first, Math.min(rounds, first + roundsPerStore), tally);
            tally.stores++;
            deleteRecursively(dir);
        }
        System.out.printf("%s crash test, seed %d: %d rounds, %d kills over %d store directories, %d child acks,"
                        + " %d acknowledged batches checked (each against every audit of its store), %d events"
                        + " stored, %d torn tails truncated (%d bytes), 0 acknowledged events lost,"
                        + " in-flight appends retried: %s, %d s%n",
                durability, seed, rounds, tally.kills, tally.stores, tally.childAcks, tally.acksChecked, tally.events,
                tally.tornTails, tally.tornBytes, tally.retries, (System.nanoTime() - started) / 1_000_000_000L);
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private void crashOneStore(Durability durability, long seed, Random random, Path dir, int from, int to,
                               Tally tally) throws Exception {
        List<CrashAck> acks = new ArrayList<>();
        long expectedHead = -1;
        for (int round = from; round < to; round++) {
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
                tally.kills++;
                lines = child.lines();
                assertThat(lines).as("%s: child errors%s", where, child.describe())
                        .noneMatch(line -> line.startsWith(CrashingAppender.ERROR));
            }
            List<CrashAck> roundAcks = lines.stream().map(CrashAck::parse).filter(ack -> ack != null).toList();
            assertThat(roundAcks).as("%s: acks printed before %s", where, CrashingAppender.APPENDING).isNotEmpty();
            acks.addAll(roundAcks);
            tally.childAcks += roundAcks.size();
            Set<CrashBatch> answered = roundAcks.stream().map(CrashAck::batch).collect(Collectors.toSet());
            lines.stream().filter(line -> line.startsWith(CrashingAppender.REJECTED + " "))
                    .map(line -> CrashBatch.parseSend(line.substring(CrashingAppender.REJECTED.length() + 1)))
                    .filter(batch -> batch != null).forEach(answered::add);
            List<CrashBatch> inFlight = lines.stream().map(CrashBatch::parseSend)
                    .filter(batch -> batch != null && !answered.contains(batch)).toList();

            // then the reopened store holds every acknowledged event, intact, and takes appends again:
            // first the retries of the appends in flight at the kill, then an append of its own
            try (FileEventStore store = FileEventStore.open(dir, CrashingAppender.options(durability))) {
                if (store.tornTailBytes() > 0) {
                    tally.tornTails++;
                    tally.tornBytes += store.tornTailBytes();
                }
                StoreAudit.Content content = StoreAudit.verify(store, acks);
                tally.acksChecked += acks.size();
                for (CrashBatch batch : inFlight) {
                    tally.retries.merge(retryAfterRecovery(store, batch, content, acks, where), 1, Integer::sum);
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
            assertThat(store.tornTailBytes()).as("torn tail after a clean close").isZero();
            StoreAudit.Content content = StoreAudit.verify(store, acks);
            tally.acksChecked += acks.size();
            assertThat(content.head()).isEqualTo(expectedHead);
            tally.events += content.all().size();
            System.out.printf("%s crash test, seed %d, rounds %d..%d on one directory: %d events in %d streams%n",
                    durability, seed, from, to - 1, content.all().size(), content.streams().size());
        }
    }
}
