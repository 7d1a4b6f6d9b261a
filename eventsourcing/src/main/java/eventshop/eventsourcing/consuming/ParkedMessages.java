package eventshop.eventsourcing.consuming;

import eventshop.eventsourcing.calls.ServiceUnavailable;
import eventshop.eventsourcing.consuming.DeadLetterTopics.Range;
import eventshop.eventsourcing.consuming.ParkedMessage.Status;
import eventshop.eventsourcing.ops.OpsErrors.ActionNotPossible;
import eventshop.eventsourcing.ops.OpsErrors.ActionRefused;
import eventshop.eventsourcing.ops.OpsErrors.NotFoundInOps;
import eventshop.eventstore.InvalidRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The messages parked on dead-letter topics by the Kafka binder (consumer bindings with {@code enableDlq}): listed
 * with what became of them, replayed at most once, or discarded with a reason.
 *
 * <p><b>Listing</b> reads a dead-letter topic's last {@code limit} records per partition with a group-less consumer,
 * so it moves no offsets; {@link #counts} counts from the partitions' offsets and the table below, without reading
 * records.
 *
 * <p><b>Replaying</b> sends the parked record back to its original topic with its original key and headers (the
 * binder's {@code x-original-*} / {@code x-exception-*} headers removed) and waits for the broker's
 * acknowledgement. A message is replayed at most once, even when two operators ask at the same moment: the replay
 * first <em>claims</em> the message by inserting its row (status {@code REPLAYING}); the second insert meets the
 * primary key and is refused ({@link ActionNotPossible}, 409). Only the claimant sends. If the send fails the claim
 * is removed and the error answered: nothing is lost, the message is pending again and can be retried. Once
 * acknowledged, the row says {@code REPLAYED}. A claim left {@code REPLAYING} by a process that died during its send
 * counts as pending again after {@value #STALE_CLAIM_MINUTES} minutes (longer than a send may take); if that send had
 * reached the broker the message arrives twice, and consumers that use {@link ExactlyOnce} skip the second copy.
 * Every consumer group of the original topic sees the replayed event again; those that had applied it skip it
 * ({@link ExactlyOnce}). A replayed event arrives after later events of the same stream.
 *
 * <p><b>Discarding</b> inserts the row with status {@code DISCARDED}, the reason and who: a discarded message is
 * never replayed, and a replayed one cannot be discarded (the same primary key decides).
 *
 * <pre>
 * parked_replays           one row per dead-letter record handled (replayed or discarded)
 * dead_letter_topic, dlq_partition, dlq_offset   the record (primary key)
 * replayed_at  TIMESTAMP    when it was handled: claimed for a replay, replayed, or discarded
 * status       VARCHAR(10)  REPLAYING (claimed, being sent), REPLAYED, DISCARDED
 * reason       VARCHAR(500) why it was discarded, else null
 * handled_by   VARCHAR(320) who replayed or discarded it, else null
 * </pre>
 * The table dates from when a message could only be replayed (rows without the three last columns are replays);
 * the starter's migration adds the columns where missing ({@link eventshop.eventsourcing.database.EventSourcingTables}).
 * The SQL is portable (H2, PostgreSQL).
 *
 * <p>Thread-safe; the Kafka clients are {@link DeadLetterTopics}'.
 */
public final class ParkedMessages implements AutoCloseable {

    /**
     * Headers the binder adds when it parks a record (and whoever else parks one the same way, such as the functions'
     * Lambda handler): where it was read (topic as UTF-8, partition as a 4-byte and offset as an 8-byte big-endian
     * number) and why (the exception's class, message and stack trace, UTF-8).
     */
    public static final String ORIGINAL_TOPIC = "x-original-topic";
    public static final String ORIGINAL_PARTITION = "x-original-partition";
    public static final String ORIGINAL_OFFSET = "x-original-offset";
    public static final String EXCEPTION_MESSAGE = "x-exception-message";
    public static final String EXCEPTION_FQCN = "x-exception-fqcn";
    public static final String EXCEPTION_STACKTRACE = "x-exception-stacktrace";

    /** The longest reason a discard may give. */
    public static final int MAX_REASON = 500;

    static final int STALE_CLAIM_MINUTES = 2;
    private static final Duration STALE_CLAIM = Duration.ofMinutes(STALE_CLAIM_MINUTES);
    private static final int SUMMARY = 200;
    private static final int CLAIM_ATTEMPTS = 5;
    private static final int MAX_BY = 320;
    private static final String REPLAYING = "REPLAYING";
    private static final String REPLAYED = "REPLAYED";
    private static final String DISCARDED = "DISCARDED";
    private static final String KEY = " WHERE dead_letter_topic = ? AND dlq_partition = ? AND dlq_offset = ?";

    /** How many messages of a dead-letter topic are in each state. */
    public record Counts(String topic, long pending, long replayed, long discarded) {
    }

    /** What a bulk replay reports after each chunk. */
    @FunctionalInterface
    public interface Progress {

        /**
         * @param replayed the chunk's messages that were replayed
         * @param skipped  the chunk's messages that were pending when the replay began but were not replayed: handled
         *                 by someone else meanwhile, or without an original topic to go back to
         * @return whether to go on with the next chunk
         */
        boolean chunkDone(List<ParkedMessage> replayed, int skipped);
    }

    /** A message's row: how it was handled. */
    private record Handling(String status, Timestamp at, @Nullable String by, @Nullable String reason) {

        Status effective(Instant now) {
            return switch (status) {
                case DISCARDED -> Status.DISCARDED;
                case REPLAYED -> Status.REPLAYED;
                default -> stale(now) ? Status.PENDING : Status.REPLAYED; // a fresh claim is being sent
            };
        }

        boolean stale(Instant now) {
            return REPLAYING.equals(status) && at.toInstant().plus(STALE_CLAIM).isBefore(now);
        }
    }

    /** Where a parked message is. */
    private record Where(String topic, int partition, long offset) {

        String id() {
            return topic + ":" + partition + ":" + offset;
        }
    }

    private final DeadLetterTopics broker;
    private final Supplier<Collection<String>> deadLetterTopics;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    /**
     * Over the broker, with Kafka clients of its own ({@link KafkaDeadLetterTopics}).
     *
     * @param clientConfig     Kafka client settings: at least {@code bootstrap.servers}
     * @param deadLetterTopics the dead-letter topics of this service's consumer bindings
     */
    public ParkedMessages(Map<String, Object> clientConfig, Supplier<Collection<String>> deadLetterTopics,
                          DataSource dataSource, Clock clock) {
        this(new KafkaDeadLetterTopics(clientConfig), deadLetterTopics, dataSource, clock);
    }

    /**
     * @param broker           the dead-letter topics' records (closed with this)
     * @param deadLetterTopics the dead-letter topics of this service's consumer bindings
     */
    public ParkedMessages(DeadLetterTopics broker, Supplier<Collection<String>> deadLetterTopics, DataSource dataSource,
                          Clock clock) {
        this.broker = broker;
        this.deadLetterTopics = deadLetterTopics;
        this.jdbc = new JdbcTemplate(dataSource);
        this.clock = clock;
    }

    /** The dead-letter topics this service's consumers park messages on. */
    public List<String> topics() {
        return deadLetterTopics.get().stream().distinct().sorted().toList();
    }

    // ------------------------------------------------------------------ reading

    /** Every parked message (at most {@code limit} per partition of each topic, the newest), by topic. */
    public Map<String, List<ParkedMessage>> list(int limit) {
        Map<String, List<ParkedMessage>> all = new LinkedHashMap<>();
        for (String topic : topics()) {
            all.put(topic, list(topic, limit));
        }
        return all;
    }

    /** The parked messages of one dead-letter topic, at most {@code limit} per partition (the newest), oldest first. */
    public List<ParkedMessage> list(String deadLetterTopic, int limit) {
        return list(deadLetterTopic, limit, (message, payload) -> message);
    }

    /**
     * The parked messages of one dead-letter topic, at most {@code limit} per partition (the newest), oldest first,
     * each as {@code view} makes it of the message and its whole payload.
     */
    public <T> List<T> list(String deadLetterTopic, int limit, BiFunction<ParkedMessage, byte[], T> view) {
        if (limit < 1) {
            throw new InvalidRequest("a limit is at least 1, not " + limit);
        }
        Map<Integer, Range> newest = new HashMap<>();
        broker.offsets(deadLetterTopic).forEach((partition, range) ->
                newest.put(partition, new Range(Math.max(range.begin(), range.end() - limit), range.end())));
        Instant now = clock.instant();
        record Parked(ParkedMessage message, byte[] payload) {
        }
        List<Parked> parked = new ArrayList<>();
        Map<Integer, Map<Long, Handling>> handled = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : broker.read(deadLetterTopic, newest)) {
            Handling handling = handled.computeIfAbsent(record.partition(),
                    partition -> handlings(deadLetterTopic, partition, newest.get(partition))).get(record.offset());
            parked.add(new Parked(toParked(record, handling, now), valueOf(record)));
        }
        return parked.stream().sorted(Comparator.comparing((Parked p) -> p.message().parkedAt())
                        .thenComparing(p -> p.message().partition()).thenComparingLong(p -> p.message().offset()))
                .map(p -> view.apply(p.message(), p.payload())).toList();
    }

    /** How many messages of {@code deadLetterTopic} are pending, replayed and discarded. */
    public Counts counts(String deadLetterTopic) {
        return counts(deadLetterTopic, Long.MAX_VALUE);
    }

    /**
     * How many messages of {@code deadLetterTopic} below offset {@code upTo} (on each partition) are pending,
     * replayed and discarded: counted from the partitions' offsets and the rows of {@code parked_replays}, without
     * reading a record.
     */
    public Counts counts(String deadLetterTopic, long upTo) {
        long total = 0;
        long replayed = 0;
        long discarded = 0;
        Timestamp freshClaims = Timestamp.from(clock.instant().minus(STALE_CLAIM));
        for (Map.Entry<Integer, Range> partition : broker.offsets(deadLetterTopic).entrySet()) {
            Range range = partition.getValue();
            long end = Math.min(range.end(), upTo);
            if (end <= range.begin()) {
                continue;
            }
            total += end - range.begin();
            for (Map<String, Object> row : jdbc.queryForList("SELECT status, COUNT(*) AS handled FROM parked_replays"
                            + " WHERE dead_letter_topic = ? AND dlq_partition = ? AND dlq_offset >= ? AND dlq_offset < ?"
                            + " AND (status <> ? OR replayed_at >= ?) GROUP BY status", deadLetterTopic,
                    partition.getKey(), range.begin(), end, REPLAYING, freshClaims)) {
                long count = ((Number) row.get("handled")).longValue();
                if (DISCARDED.equals(row.get("status"))) {
                    discarded += count;
                } else {
                    replayed += count;
                }
            }
        }
        return new Counts(deadLetterTopic, Math.max(0, total - replayed - discarded), replayed, discarded);
    }

    /**
     * One parked message as it is now.
     *
     * @throws NotFoundInOps if there is no such parked message
     */
    public ParkedMessage get(String id) {
        Where where = parse(id);
        return toParked(read(where), handling(where), clock.instant());
    }

    // ------------------------------------------------------------------ replaying and discarding

    /**
     * Sends a parked message back to its original topic, with its original key and headers, once: claims it, runs
     * {@code beforeSend} (the audit: if it throws, the claim is removed and nothing is sent), sends it and waits
     * for the broker's acknowledgement.
     *
     * @param id {@code <dead-letter topic>:<partition>:<offset>}
     * @param by who replays it, or null
     * @return the message, replayed
     * @throws InvalidRequest      (400) if the id is malformed
     * @throws NotFoundInOps       (404) if there is no such parked message
     * @throws ActionNotPossible   (409) if it was replayed (or is being replayed) or discarded
     * @throws ActionRefused       (422) if it does not say where it came from
     * @throws ServiceUnavailable  (503) if the broker did not take it; it is pending again
     */
    public ParkedMessage replay(String id, @Nullable String by, Runnable beforeSend) {
        Where where = parse(id);
        ConsumerRecord<byte[], byte[]> record = read(where);
        ProducerRecord<byte[], byte[]> replay = replayOf(record);
        Instant claimed = claim(where, REPLAYING, by, null);
        try {
            beforeSend.run();
            await(broker.send(replay), where);
        } catch (RuntimeException failed) {
            release(where, claimed);
            throw failed;
        }
        return toParked(record, replayed(where, claimed, by), clock.instant());
    }

    /**
     * Discards a parked message: it is never replayed. Claims it as discarded, then runs {@code beforeDiscard} (the
     * audit: if it throws, the claim is removed and the message is pending again).
     *
     * @param reason why, in the operator's words: required, at most {@value #MAX_REASON} characters
     * @param by     who discards it, or null
     * @return the message, discarded
     * @throws InvalidRequest    (400) if the id is malformed
     * @throws ActionRefused     (422) if the reason is missing, blank or too long
     * @throws NotFoundInOps     (404) if there is no such parked message
     * @throws ActionNotPossible (409) if it was replayed (or is being replayed) or discarded before
     */
    public ParkedMessage discard(String id, @Nullable String reason, @Nullable String by, Runnable beforeDiscard) {
        String why = checkReason(reason);
        Where where = parse(id);
        ConsumerRecord<byte[], byte[]> record = read(where);
        Instant claimed = claim(where, DISCARDED, by, why);
        try {
            beforeDiscard.run();
        } catch (RuntimeException failed) {
            jdbc.update("DELETE FROM parked_replays" + KEY + " AND status = ? AND replayed_at = ?", where.topic(),
                    where.partition(), where.offset(), DISCARDED, Timestamp.from(claimed));
            throw failed;
        }
        return toParked(record, new Handling(DISCARDED, Timestamp.from(claimed), by, why), clock.instant());
    }

    /**
     * The reason a discard gives, trimmed.
     *
     * @throws ActionRefused if it is missing, blank or longer than {@value #MAX_REASON} characters
     */
    public static String checkReason(@Nullable String reason) {
        if (reason == null || reason.isBlank()) {
            throw new ActionRefused("a discard needs a reason: why is this message given up on?");
        }
        String trimmed = reason.strip();
        if (trimmed.length() > MAX_REASON) {
            throw new ActionRefused("a reason is at most " + MAX_REASON + " characters, not " + trimmed.length());
        }
        return trimmed;
    }

    /**
     * Replays every pending message of {@code deadLetterTopic}, 50 at a time, and answers them.
     *
     * @param by who replays them, or null
     */
    public List<ParkedMessage> replayAll(String deadLetterTopic, @Nullable String by) {
        List<ParkedMessage> replayed = new ArrayList<>();
        replayAll(deadLetterTopic, Long.MAX_VALUE, 50, by, (chunk, skipped) -> replayed.addAll(chunk));
        return replayed;
    }

    /**
     * Replays the pending messages of {@code deadLetterTopic} below offset {@code upTo}, partition by partition in
     * offset order, a chunk at a time: a chunk is {@code chunk} consecutive records of a partition, of which the
     * pending ones are claimed, sent together and marked replayed once acknowledged. After each chunk
     * {@code progress} is told and decides whether to go on. A message someone else handles meanwhile is skipped.
     *
     * @param by who replays them, or null
     * @throws NotFoundInOps      if {@code deadLetterTopic} is not one of this service's dead-letter topics
     * @throws ServiceUnavailable if the broker did not take a message of the chunk (the chunk's others are
     *                            replayed, those it did not take are pending again); no later chunk is started
     */
    public void replayAll(String deadLetterTopic, long upTo, int chunk, @Nullable String by, Progress progress) {
        if (chunk < 1) {
            throw new InvalidRequest("a chunk is at least 1 message, not " + chunk);
        }
        checkTopic(deadLetterTopic);
        Map<Integer, Range> offsets = broker.offsets(deadLetterTopic);
        for (int partition : offsets.keySet().stream().sorted().toList()) {
            Range range = offsets.get(partition);
            long stop = Math.min(range.end(), upTo);
            for (long from = range.begin(); from < stop; from += chunk) {
                Range window = new Range(from, Math.min(stop, from + chunk));
                ChunkResult result = replayChunk(deadLetterTopic, partition, window, by);
                boolean goOn = progress.chunkDone(result.replayed(), result.skipped());
                if (result.failure() != null) {
                    throw result.failure();
                }
                if (!goOn) {
                    return;
                }
            }
        }
    }

    /** Closes the Kafka clients. */
    @Override
    public void close() {
        broker.close();
    }

    // ------------------------------------------------------------------ internals

    private record ChunkResult(List<ParkedMessage> replayed, int skipped, @Nullable RuntimeException failure) {
    }

    private record Claimed(Where where, ConsumerRecord<byte[], byte[]> record, Instant at,
                           CompletableFuture<Void> sent) {
    }

    private ChunkResult replayChunk(String topic, int partition, Range window, @Nullable String by) {
        Map<Long, Handling> handled = handlings(topic, partition, window);
        Instant now = clock.instant();
        List<Claimed> claimed = new ArrayList<>();
        int skipped = 0;
        for (ConsumerRecord<byte[], byte[]> record : broker.read(topic, Map.of(partition, window))) {
            Handling handling = handled.get(record.offset());
            if (handling != null && handling.effective(now) != Status.PENDING) {
                continue;
            }
            Where where = new Where(topic, record.partition(), record.offset());
            try {
                ProducerRecord<byte[], byte[]> replay = replayOf(record);
                Instant at = claim(where, REPLAYING, by, null);
                claimed.add(new Claimed(where, record, at, broker.send(replay)));
            } catch (ActionNotPossible | ActionRefused notThisOne) {
                skipped++;
            }
        }
        List<ParkedMessage> replayed = new ArrayList<>();
        RuntimeException failure = null;
        for (Claimed message : claimed) {
            try {
                await(message.sent(), message.where());
                replayed.add(toParked(message.record(), replayed(message.where(), message.at(), by), clock.instant()));
            } catch (RuntimeException failed) {
                release(message.where(), message.at());
                failure = failure == null ? failed : failure;
            }
        }
        return new ChunkResult(replayed, skipped, failure);
    }

    /** Inserts the message's row; a row there already is a refusal, unless it is a stale claim, which is taken over. */
    private Instant claim(Where where, String status, @Nullable String operator, @Nullable String reason) {
        String by = operator == null || operator.length() <= MAX_BY ? operator : operator.substring(0, MAX_BY);
        for (int attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            try {
                jdbc.update("INSERT INTO parked_replays (dead_letter_topic, dlq_partition, dlq_offset, replayed_at, "
                                + "status, reason, handled_by) VALUES (?, ?, ?, ?, ?, ?, ?)", where.topic(),
                        where.partition(), where.offset(), Timestamp.from(now), status, reason, by);
                return now;
            } catch (DuplicateKeyException taken) {
                Handling existing = handling(where);
                if (existing == null) {
                    continue; // the claim was just removed (its send failed): try again
                }
                if (!existing.stale(now)) {
                    throw new ActionNotPossible(where.id() + " " + describe(existing, now));
                }
                int tookOver = jdbc.update("UPDATE parked_replays SET replayed_at = ?, status = ?, reason = ?, "
                                + "handled_by = ?" + KEY + " AND status = ? AND replayed_at = ?", Timestamp.from(now),
                        status, reason, by, where.topic(), where.partition(), where.offset(), REPLAYING, existing.at());
                if (tookOver == 1) {
                    return now;
                }
            }
        }
        throw new ActionNotPossible(where.id() + " is being handled by someone else right now; look again");
    }

    private static String describe(Handling handling, Instant now) {
        String by = handling.by() == null ? "" : " by " + handling.by();
        return switch (handling.effective(now)) {
            case DISCARDED -> "was discarded at " + handling.at().toInstant() + by + " (" + handling.reason()
                    + "); a discarded message is never replayed";
            case REPLAYED -> REPLAYING.equals(handling.status())
                    ? "is being replayed since " + handling.at().toInstant() + by
                    : "was already replayed at " + handling.at().toInstant() + by;
            case PENDING -> "is pending";
        };
    }

    private Handling replayed(Where where, Instant claimed, @Nullable String by) {
        Timestamp at = Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MILLIS));
        jdbc.update("UPDATE parked_replays SET status = ?, replayed_at = ?" + KEY + " AND status = ? AND replayed_at = ?",
                REPLAYED, at, where.topic(), where.partition(), where.offset(), REPLAYING, Timestamp.from(claimed));
        return new Handling(REPLAYED, at, by, null);
    }

    private void release(Where where, Instant claimed) {
        jdbc.update("DELETE FROM parked_replays" + KEY + " AND status = ? AND replayed_at = ?", where.topic(),
                where.partition(), where.offset(), REPLAYING, Timestamp.from(claimed));
    }

    private static void await(CompletableFuture<Void> sent, Where where) {
        try {
            sent.join();
        } catch (CompletionException failed) {
            throw new ServiceUnavailable("Kafka", "did not take the replay of " + where.id() + " ("
                    + failed.getCause() + "); it is pending again", failed.getCause());
        }
    }

    private @Nullable Handling handling(Where where) {
        List<Handling> rows = jdbc.query("SELECT status, replayed_at, handled_by, reason FROM parked_replays" + KEY,
                (row, n) -> new Handling(row.getString(1), row.getTimestamp(2), row.getString(3), row.getString(4)),
                where.topic(), where.partition(), where.offset());
        return rows.isEmpty() ? null : rows.getFirst();
    }

    private Map<Long, Handling> handlings(String topic, int partition, @Nullable Range range) {
        Map<Long, Handling> handlings = new HashMap<>();
        if (range == null) {
            return handlings;
        }
        jdbc.query("SELECT dlq_offset, status, replayed_at, handled_by, reason FROM parked_replays"
                        + " WHERE dead_letter_topic = ? AND dlq_partition = ? AND dlq_offset >= ? AND dlq_offset < ?",
                row -> {
                    handlings.put(row.getLong(1), new Handling(row.getString(2), row.getTimestamp(3),
                            row.getString(4), row.getString(5)));
                }, topic, partition, range.begin(), range.end());
        return handlings;
    }

    private Where parse(String id) {
        String malformed = "a parked message id is <topic>:<partition>:<offset>, not " + id;
        if (id == null) {
            throw new InvalidRequest("a parked message id is <topic>:<partition>:<offset>");
        }
        int last = id.lastIndexOf(':');
        int middle = last <= 0 ? -1 : id.lastIndexOf(':', last - 1);
        if (middle <= 0) {
            throw new InvalidRequest(malformed);
        }
        try {
            Where where = new Where(id.substring(0, middle), Integer.parseInt(id.substring(middle + 1, last)),
                    Long.parseLong(id.substring(last + 1)));
            if (where.partition() < 0 || where.offset() < 0) {
                throw new InvalidRequest(malformed);
            }
            checkTopic(where.topic());
            return where;
        } catch (NumberFormatException e) {
            throw new InvalidRequest(malformed);
        }
    }

    private void checkTopic(String topic) {
        if (!topics().contains(topic)) {
            throw new NotFoundInOps(topic + " is not a dead-letter topic of this service (they are " + topics() + ")");
        }
    }

    private ConsumerRecord<byte[], byte[]> read(Where where) {
        Range range = broker.offsets(where.topic()).get(where.partition());
        if (range == null || where.offset() < range.begin() || where.offset() >= range.end()) {
            throw new NotFoundInOps("no parked message " + where.id());
        }
        return broker.read(where.topic(), Map.of(where.partition(), new Range(where.offset(), where.offset() + 1)))
                .stream().filter(record -> record.offset() == where.offset()).findFirst()
                .orElseThrow(() -> new NotFoundInOps("no parked message " + where.id()));
    }

    private static ProducerRecord<byte[], byte[]> replayOf(ConsumerRecord<byte[], byte[]> record) {
        String originalTopic = text(record.headers().lastHeader(ORIGINAL_TOPIC));
        if (originalTopic == null) {
            throw new ActionRefused("the parked message " + idOf(record) + " has no " + ORIGINAL_TOPIC
                    + " header: there is nowhere to replay it to");
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("x-original-") && !header.key().startsWith("x-exception-")) {
                headers.add(header);
            }
        }
        return new ProducerRecord<>(originalTopic, null, record.key(), record.value(), headers);
    }

    private static ParkedMessage toParked(ConsumerRecord<byte[], byte[]> record, @Nullable Handling handling,
                                          Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("x-original-") && !header.key().startsWith("x-exception-")) {
                headers.put(header.key(), header.value() == null ? null
                        : new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        byte[] value = valueOf(record);
        String payload = new String(value, StandardCharsets.UTF_8);
        if (payload.length() > SUMMARY) {
            payload = payload.substring(0, SUMMARY) + "…";
        }
        Header partition = record.headers().lastHeader(ORIGINAL_PARTITION);
        Header offset = record.headers().lastHeader(ORIGINAL_OFFSET);
        Cause cause = Cause.of(text(record.headers().lastHeader(EXCEPTION_FQCN)),
                text(record.headers().lastHeader(EXCEPTION_MESSAGE)),
                text(record.headers().lastHeader(EXCEPTION_STACKTRACE)));
        Status status = handling == null ? Status.PENDING : handling.effective(now);
        Instant at = handling == null ? null : handling.at().toInstant();
        return new ParkedMessage(idOf(record), record.topic(), record.partition(), record.offset(),
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                text(record.headers().lastHeader(ORIGINAL_TOPIC)),
                partition != null && partition.value() != null && partition.value().length == Integer.BYTES
                        ? ByteBuffer.wrap(partition.value()).getInt() : -1,
                offset != null && offset.value() != null && offset.value().length == Long.BYTES
                        ? ByteBuffer.wrap(offset.value()).getLong() : -1,
                cause.message(), cause.type(), headers, payload, value.length, Instant.ofEpochMilli(record.timestamp()), status,
                status == Status.REPLAYED ? at : null, status == Status.DISCARDED ? at : null,
                status == Status.DISCARDED ? handling.reason() : null, status == Status.PENDING ? null : handling.by());
    }

    private static byte[] valueOf(ConsumerRecord<byte[], byte[]> record) {
        return record.value() == null ? new byte[0] : record.value();
    }

    private static String idOf(ConsumerRecord<?, ?> record) {
        return record.topic() + ":" + record.partition() + ":" + record.offset();
    }

    /**
     * Why a message was parked, as an operator wants to read it: the innermost cause the binder's stack trace names
     * (its last {@code Caused by:} line: the consumer's own exception, such as a {@code MalformedMessage}), not the
     * framework's wrapper around it (a {@code MessagingException} "error occurred in message handler ..."); the caught
     * exception itself when the trace names no cause.
     */
    record Cause(@Nullable String type, @Nullable String message) {

        private static final String CAUSED_BY = "Caused by: ";

        static Cause of(@Nullable String type, @Nullable String message, @Nullable String stackTrace) {
            if (stackTrace == null) {
                return new Cause(type, message);
            }
            String innermost = null;
            for (String line : stackTrace.split("\\R")) {
                String trimmed = line.strip();
                if (trimmed.startsWith(CAUSED_BY)) {
                    innermost = trimmed.substring(CAUSED_BY.length());
                }
            }
            if (innermost == null || innermost.isBlank()) {
                return new Cause(type, message);
            }
            int colon = innermost.indexOf(": ");
            return colon < 0 ? new Cause(innermost, null)
                    : new Cause(innermost.substring(0, colon), innermost.substring(colon + 2));
        }
    }

    private static @Nullable String text(@Nullable Header header) {
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
