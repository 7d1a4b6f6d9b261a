package eventshop.benchmarks;

import eventshop.eventstore.EventStore;
import eventshop.eventstore.file.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Measures the event store's file engine against the targets of DESIGN §7 and against the disk's
 * own limits, measured in the same run: append throughput and latency with 1, 16 and 64 writers
 * each awaiting its acknowledgement, pipelined appends, stream and full-log reads, and the time to
 * open a 1M-event store. Each case runs in a fresh directory under {@code --data-dir}, deleted
 * afterwards. Prints a table and writes it as Markdown to {@code --results}.
 *
 * <p>Run it with {@code benchmarks/run} (see {@link Options#USAGE}). Exit status 0 when every case
 * ran (targets met or not), 1 when a case failed or hung, 2 for bad arguments.
 */
public final class EventStoreBenchmark {

    static final int PIPELINE_DEPTH = 8192;
    static final Duration OPEN_LIMIT = Duration.ofMinutes(5);

    private final Options options;
    private final Engine engine;
    private final Report report = new Report();
    private double rawFsyncPerSecond = Double.NaN;
    private double rawFilledFsyncPerSecond = Double.NaN;
    private double rawSeqBytesPerSecond = Double.NaN;
    private int failures;
    private final List<String> busyCases = new ArrayList<>();
    /** Time spent so far waiting for idle and in discarded attempts, against {@code --wait-budget}. */
    private long waitedNanos;

    /** Share of the cores used by other processes during a case above which the case is flagged. */
    static final double OTHERS_WARNING = 0.15;

    private EventStoreBenchmark(Options options) {
        this.options = options;
        this.engine = Engine.named(options.engine());
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int failures = new EventStoreBenchmark(options).run(args);
        System.exit(failures == 0 ? 0 : 1);
    }

    private int run(String[] args) throws Exception {
        Files.createDirectories(options.dataDir());
        Watchdog.dumpTo(options.results().getParent());
        String fsType = Machine.fileStore(options.dataDir()).type();
        report.header("date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        report.header("command: benchmarks/run " + String.join(" ", args));
        String commit = System.getProperty("bench.commit", "");
        if (!commit.isEmpty()) {
            report.header("code: " + commit);
        }
        report.header("engine: " + engine.name().toLowerCase(Locale.ROOT) + (engine == Engine.FILE
                ? " (eventshop.eventstore.file.FileEventStore, default options; appends with Durability.FSYNC)"
                : " (InMemoryEventStore stand-in: harness check only, figures say nothing about the file engine)"));
        report.header("phases: warm-up " + seconds(options.warmup()) + ", measure " + seconds(options.measure())
                + " per timed case" + (options.quick() ? " (--quick smoke run)" : ""));
        report.header("machine: " + Machine.cpu() + ", " + Machine.memory() + " RAM, kernel " + Machine.kernel());
        report.header("disk: " + Machine.disk(options.dataDir()));
        report.header("JDK: " + Machine.jdk());
        report.header("JVM flags: " + Machine.jvmFlags());
        String nice = Machine.niceness();
        if (!nice.isEmpty() && !nice.equals("0")) {
            report.header("process nice value: " + nice + " (favoured over other processes for CPU; the disk is shared as is)");
        }
        waitForIdle(options.waitIdle());
        double busy = Machine.busyFraction(2000);
        report.header(String.format(Locale.ROOT, "machine busy before the run: %.0f%% of all cores over 2 s; load average %s",
                busy * 100, Machine.load()));
        if (busy > 0.10) {
            report.note(String.format(Locale.ROOT, "the machine was not idle before the run (%.0f%% busy): other processes "
                    + "compete for the cores and the disk, so figures may be low", busy * 100));
        }
        if (fsType.equals("tmpfs") || fsType.equals("ramfs")) {
            report.note("the data directory is on " + fsType + ": fsync figures mean nothing; pass --data-dir on a disk");
        }
        System.out.println("event store benchmark: " + engine.name().toLowerCase(Locale.ROOT) + " engine, cases "
                + options.cases() + ", data under " + options.dataDir());

        if (options.runs("raw")) {
            runCase("raw fsync", this::rawFsync);
            runCase("raw sequential write", this::rawSequential);
        }
        for (int writers : new int[] {1, 16, 64}) {
            if (options.runs("append" + writers)) {
                runCase("append, " + writers + (writers == 1 ? " writer" : " writers"), dir -> closedLoop(dir, writers));
            }
        }
        if (options.runs("pipelined")) {
            runCase("append, pipelined", this::pipelined);
        }
        if (options.runs("read") || options.runs("open")) {
            try {
                fillReadStore();
            } catch (Exception e) {
                failures++;
                System.out.println("  filling the read store failed:");
                e.printStackTrace(System.out);
                report.add(new Report.Row("read store fill", "ERROR", "", "", "", "FAILED", "", String.valueOf(e)));
            }
            if (readStore != null) {
                if (options.runs("read")) {
                    runCase("read streams", this::readStreams);
                    runCase("read all", this::readAll);
                    runCase("read by subscription", this::readSubscribe);
                }
                if (options.runs("open")) {
                    runCase("open", this::open); // last: it deletes the index checkpoint
                }
                dropReadStore();
            }
        }

        if (!busyCases.isEmpty()) {
            report.note(String.format(Locale.ROOT, "other processes used more than %.0f%% of the cores during: %s; "
                    + "those figures are not the engine's alone (see the others' CPU column)", OTHERS_WARNING * 100,
                    busyCases));
        }
        report.header("load average at end: " + Machine.load());
        report.print();
        report.writeMarkdown(options.results());
        System.out.println("\nresults written to " + options.results());
        return failures;
    }

    private boolean budgetSpent() {
        return waitedNanos >= options.waitBudget().toNanos();
    }

    /** Waits until the machine is idle (under 10% busy over 5 s), at most {@code limit} and the wait budget. */
    private void waitForIdle(Duration limit) throws InterruptedException {
        if (limit.isZero() || budgetSpent()) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + Math.min(limit.toNanos(), options.waitBudget().toNanos() - waitedNanos);
        try {
            waitUntilIdle(limit, deadline);
        } finally {
            waitedNanos += System.nanoTime() - start;
        }
    }

    private static void waitUntilIdle(Duration limit, long deadline) throws InterruptedException {
        while (true) {
            double busy = Machine.busyFraction(5000);
            if (Double.isNaN(busy) || busy < 0.10) {
                return;
            }
            if (System.nanoTime() > deadline) {
                System.out.printf(Locale.ROOT, "machine still %.0f%% busy after waiting %s; going on%n", busy * 100,
                        seconds(limit));
                return;
            }
            System.out.printf(Locale.ROOT, "waiting for the machine to be idle: %.0f%% busy over 5 s%n", busy * 100);
        }
    }

    @FunctionalInterface
    private interface Case {
        void run(Path directory) throws Exception;
    }

    /**
     * Runs one case in a fresh directory. When other processes kept more than
     * {@link #OTHERS_WARNING} of the cores busy meanwhile and {@code --retry-busy} allows, its rows
     * are dropped and it runs again once the machine is idle.
     */
    private void runCase(String name, Case body) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            int firstRow = report.size();
            int firstNote = report.noteCount();
            int failuresBefore = failures;
            long started = System.nanoTime();
            double others = attempt(name, body, firstRow);
            boolean busy = others > OTHERS_WARNING;
            if (!busy || failures > failuresBefore || attempt >= options.retryBusy() || budgetSpent()) {
                if (busy) {
                    busyCases.add(name);
                }
                return;
            }
            System.out.printf(Locale.ROOT, "  other processes used %.0f%% of the cores meanwhile: discarded; "
                    + "running it again when the machine is idle (retry %d of %d)%n", others * 100, attempt + 1,
                    options.retryBusy());
            report.truncate(firstRow, firstNote);
            waitedNanos += System.nanoTime() - started;
            waitForIdle(options.waitIdle().isZero() ? Duration.ofMinutes(5) : options.waitIdle());
        }
    }

    /** One run of a case; returns the share of the cores others used meanwhile (NaN if unknown). */
    private double attempt(String name, Case body, int firstRow) {
        Path dir = options.dataDir().resolve(name.replaceAll("[^A-Za-z0-9]+", "-") + "-" + System.nanoTime());
        System.out.println("\n== " + name);
        Machine.CpuSample before = Machine.CpuSample.now();
        try {
            Files.createDirectories(dir);
            body.run(dir);
        } catch (Watchdog.Hang e) {
            failures++;
            report.add(new Report.Row(name, "HANG", "", "", "", "FAILED", "", e.getMessage()));
        } catch (Throwable e) {
            failures++;
            if (String.valueOf(e.getMessage()).contains("Timeout")) {
                report.note(name + ": timed out; thread dump " + Watchdog.dump(name));
            }
            System.out.println("  case failed:");
            e.printStackTrace(System.out);
            report.add(new Report.Row(name, "ERROR", "", "", "", "FAILED", "", String.valueOf(e)));
        } finally {
            delete(dir);
        }
        Machine.CpuSample after = Machine.CpuSample.now();
        double others = after.othersSince(before);
        double own = after.ownSince(before);
        report.cpu(firstRow, Double.isNaN(own) ? "" : String.format(Locale.ROOT, "%.0f%%", own * 100),
                Double.isNaN(others) ? "" : String.format(Locale.ROOT, "%.0f%%", others * 100));
        try {
            report.writeMarkdown(options.results()); // so far, in case the run is cut short
        } catch (IOException e) {
            System.out.println("  could not write " + options.results() + ": " + e);
        }
        return others;
    }

    // ---- raw disk limits

    private void rawFsync(Path dir) throws IOException {
        Duration warmup = Duration.ofNanos(Math.min(options.warmup().toNanos(), Duration.ofSeconds(2).toNanos()));
        Duration measure = Duration.ofNanos(Math.min(options.measure().toNanos(), Duration.ofSeconds(5).toNanos()));
        RawDisk.FsyncResult result = RawDisk.fsyncRate(dir, warmup, measure);
        rawFsyncPerSecond = result.perSecond();
        report.add(new Report.Row("raw: write " + RawDisk.FSYNC_WRITE_BYTES + " B + force(false), 1 thread",
                Report.rate(result.perSecond()), "fsyncs/s", Report.latency(result.latency()), "", "", "1.00× fsync/s",
                "plain FileChannel appending to one file; the limit for one writer"));
        RawDisk.FsyncResult filled = RawDisk.fsyncRate(dir, warmup, measure, true);
        rawFilledFsyncPerSecond = filled.perSecond();
        report.add(new Report.Row("raw: the same into a zero-filled file",
                Report.rate(filled.perSecond()), "fsyncs/s", Report.latency(filled.latency()), "", "",
                Report.fraction(filled.perSecond(), rawFsyncPerSecond) + " fsync/s",
                "writes overwrite blocks the file has, so fsync commits no new size; the file engine fills its log"
                + " ahead with zeros the same way"));
    }

    private void rawSequential(Path dir) throws IOException {
        RawDisk.SeqResult result = RawDisk.sequentialWrite(dir, options.seqWriteBytes());
        rawSeqBytesPerSecond = result.bytesPerSecond();
        report.add(new Report.Row("raw: sequential write, 1 MiB writes, force at end",
                String.format(Locale.ROOT, "%.0f", result.bytesPerSecond() / (1024 * 1024)), "MiB/s", "", "", "",
                "1.00× seq write", (result.bytes() >> 20) + " MiB in " + Report.duration(result.nanos())
                + " including the final force"));
    }

    // ---- appends

    private void closedLoop(Path dir, int writers) throws Exception {
        Appends.Outcome outcome;
        long diskBytes;
        try (EventStore store = engine.open(dir, Durability.FSYNC)) {
            outcome = Appends.closedLoop(store, writers, options.warmup(), options.measure());
        }
        diskBytes = directorySize(dir);
        String name = "append, " + writers + (writers == 1 ? " writer" : " writers") + ", sync, FSYNC";
        double rate = outcome.perSecond();
        String target = "";
        String verdict = "";
        String vsLimit;
        if (writers == 1) {
            target = "≥ 0.9× raw fsync/s";
            vsLimit = Report.fraction(rate, rawFsyncPerSecond) + (Double.isNaN(rawFsyncPerSecond) ? "" : " fsync/s")
                    + (Double.isNaN(rawFilledFsyncPerSecond) ? ""
                    : "; " + Report.fraction(rate, rawFilledFsyncPerSecond) + " zero-filled");
            verdict = Double.isNaN(rawFsyncPerSecond) ? "n/a (raw not run)" : verdict(rate >= 0.9 * rawFsyncPerSecond);
        } else {
            vsLimit = throughputVsLimits(rate, diskBytes, outcome.totalCount());
            if (writers == 64) {
                target = "≥ 150,000 events/s";
                verdict = verdict(rate >= 150_000);
            } else if (writers == 16) {
                target = "(no target; naive group commit 38k/s)";
            }
        }
        report.add(new Report.Row(name, Report.rate(rate), "events/s", Report.latency(outcome.latency()), target,
                verdict, vsLimit, String.format(Locale.ROOT, "%,d appends in %s", outcome.events(),
                seconds(options.measure())) + bytesPerEventNote(diskBytes, outcome.totalCount())));
    }

    private void pipelined(Path dir) throws Exception {
        Appends.Outcome outcome;
        try (EventStore store = engine.open(dir, Durability.FSYNC)) {
            outcome = Appends.pipelined(store, PIPELINE_DEPTH, options.warmup(), options.measure());
        }
        long diskBytes = directorySize(dir);
        double rate = outcome.perSecond();
        report.add(new Report.Row("append, 1 writer pipelined (appendAsync, ≤ " + PIPELINE_DEPTH
                + " in flight), FSYNC", Report.rate(rate), "events/s", Report.latency(outcome.latency()),
                "≥ 500,000 events/s", verdict(rate >= 500_000), throughputVsLimits(rate, diskBytes, outcome.totalCount()),
                String.format(Locale.ROOT, "%,d appends in %s", outcome.events(), seconds(options.measure()))
                + "; latency is issue → ack, queueing included" + bytesPerEventNote(diskBytes, outcome.totalCount())));
    }

    // ---- reads and open

    /**
     * The store the read and open cases share: filled once, then opened afresh by each case (the
     * in-memory engine's stays open, as it keeps nothing across close).
     */
    private record ReadStore(Path dir, EventStore memory, int events, long perStream, String[] streamIds,
                             double bytesPerEvent, String size) {
        long head() {
            return events - 1L;
        }
    }

    private ReadStore readStore;

    /** Fills the read store: events one per append, round-robin over the streams, {@code NONE}, pipelined. */
    private void fillReadStore() throws Exception {
        int events = options.readEvents();
        int streams = options.readStreams();
        if (events % streams != 0) {
            throw new IllegalArgumentException("--read-events must be a multiple of --read-streams");
        }
        long perStream = events / streams;
        String[] streamIds = Events.streams("read", streams);
        Path dir = options.dataDir().resolve("read-store-" + System.nanoTime());
        Files.createDirectories(dir);
        System.out.printf("%n== filling the read store: %,d events over %,d streams (Durability.NONE, pipelined)%n",
                events, streams);
        EventStore store = engine.open(dir, Durability.NONE);
        long fillNanos;
        try {
            fillNanos = Appends.fill(store, events, streams, PIPELINE_DEPTH);
            if (store.headPosition() != events - 1L) {
                throw new IllegalStateException("after filling, head is " + store.headPosition() + ", expected "
                        + (events - 1L));
            }
        } catch (Exception e) {
            store.close();
            delete(dir);
            throw e;
        }
        if (engine.persistent()) {
            store.close();
            store = null;
        }
        long diskBytes = directorySize(dir);
        String size = String.format(Locale.ROOT, "%,d events, %,d streams × %d", events, streams, perStream)
                + (engine.persistent() ? String.format(Locale.ROOT, ", %.0f MiB on disk", diskBytes / 1024.0 / 1024.0)
                : "");
        report.note(String.format(Locale.ROOT, "read store: %s; filled in %s (%s events/s, Durability.NONE, pipelined)",
                size, Report.duration(fillNanos), Report.rate(events / (fillNanos / 1e9))));
        readStore = new ReadStore(dir, store, events, perStream, streamIds,
                engine.persistent() ? (double) diskBytes / events : Double.NaN, size);
    }

    private void dropReadStore() {
        if (readStore.memory() != null) {
            readStore.memory().close();
        }
        delete(readStore.dir());
        readStore = null;
    }

    @FunctionalInterface
    private interface ReadCase {
        void run(EventStore store, ReadStore what) throws Exception;
    }

    /** Runs a read case against the read store, opened with {@code FSYNC} for it and closed after. */
    private void onReadStore(ReadCase body) throws Exception {
        if (readStore.memory() != null) {
            body.run(readStore.memory(), readStore);
            return;
        }
        try (EventStore store = engine.open(readStore.dir(), Durability.FSYNC)) {
            body.run(store, readStore);
        }
    }

    private void readStreams(Path unused) throws Exception {
        onReadStore((store, what) -> {
            int[] cursor = {0};
            Reads.Outcome outcome = Reads.repeat(
                    () -> Reads.streamsPass(store, what.streamIds(), what.perStream(), cursor),
                    options.warmup(), options.measure());
            report.add(new Report.Row("read: read(stream, 0) over " + String.format(Locale.ROOT, "%,d",
                    what.streamIds().length) + " streams, 1 thread", Report.rate(outcome.perSecond()), "events/s", "",
                    "(no target)", "", readVsLimit(outcome.perSecond(), what.bytesPerEvent()), String.format(Locale.ROOT,
                    "%,d streams read whole; %d events per stream, interleaved across the log",
                    outcome.events() / what.perStream(), what.perStream())));
        });
    }

    private void readAll(Path unused) throws Exception {
        onReadStore((store, what) -> {
            Reads.Outcome outcome = Reads.repeat(() -> Reads.readAllPass(store, what.head()), options.warmup(),
                    options.measure());
            report.add(new Report.Row("read: readAll(from, " + String.format(Locale.ROOT, "%,d", Reads.CHUNK)
                    + ") 0 → head, 1 thread", Report.rate(outcome.perSecond()), "events/s", "", "≥ 2,000,000 events/s",
                    verdict(outcome.perSecond() >= 2_000_000), readVsLimit(outcome.perSecond(), what.bytesPerEvent()),
                    outcome.passes() + " passes over " + String.format(Locale.ROOT, "%,d", what.events()) + " events"));
        });
    }

    private void readSubscribe(Path unused) throws Exception {
        onReadStore((store, what) -> {
            Reads.Outcome outcome = Reads.repeat(() -> Reads.subscribePass(store, what.head()), options.warmup(),
                    options.measure());
            report.add(new Report.Row("read: subscribe(0).take(" + String.format(Locale.ROOT, "%,d", what.events())
                    + ")", Report.rate(outcome.perSecond()), "events/s", "", "≥ 2,000,000 events/s",
                    verdict(outcome.perSecond() >= 2_000_000), readVsLimit(outcome.perSecond(), what.bytesPerEvent()),
                    outcome.passes() + " passes; catch-up through the subscription machinery"));
        });
    }

    private void open(Path unused) throws Exception {
        if (!engine.persistent()) {
            report.note("open: skipped, the " + engine.name().toLowerCase(Locale.ROOT)
                    + " engine keeps nothing across close");
            return;
        }
        timeOpens(readStore.dir(), readStore.head(), readStore.streamIds()[0], readStore.perStream(), readStore.size());
    }

    private void timeOpens(Path dir, long head, String someStream, long perStream, String storeSize) throws Exception {
        List<Long> plain = new ArrayList<>();
        for (int i = 0; i < options.openRepeats(); i++) {
            plain.add(timedOpen(dir, head, someStream, perStream));
        }
        long median = median(plain);
        report.add(new Report.Row("open: FileEventStore.open of the read store (median of " + plain.size() + ")",
                Report.duration(median), "", "", "< 1 s", verdict(median < 1_000_000_000L), "",
                storeSize + "; each: " + plain.stream().map(Report::duration).toList()));

        List<Path> checkpoints = indexFiles(dir);
        if (checkpoints.isEmpty()) {
            report.add(new Report.Row("open without index checkpoint", "skipped", "", "", "", "", "",
                    "no file named index* in the store directory: " + listing(dir)));
            return;
        }
        List<Long> rebuilt = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (int i = 0; i < options.openRepeats(); i++) {
            for (Path file : indexFiles(dir)) {
                deleted.add(dir.relativize(file).toString());
                Files.delete(file);
            }
            rebuilt.add(timedOpen(dir, head, someStream, perStream));
        }
        long rebuiltMedian = median(rebuilt);
        report.add(new Report.Row("open without index checkpoint (index* deleted first; median of " + rebuilt.size()
                + ")", Report.duration(rebuiltMedian), "", "", "(no target)", "", "",
                "deleted before each open: " + deleted.stream().distinct().toList() + "; each: "
                + rebuilt.stream().map(Report::duration).toList()));
    }

    private long timedOpen(Path dir, long head, String someStream, long perStream) throws Exception {
        return Watchdog.within("open", OPEN_LIMIT, () -> {
            long t0 = System.nanoTime();
            EventStore store = engine.open(dir, Durability.FSYNC);
            long nanos = System.nanoTime() - t0;
            try {
                if (store.headPosition() != head) {
                    throw new IllegalStateException("reopened store has head " + store.headPosition() + ", expected " + head);
                }
                if (store.streamVersion(someStream) != perStream - 1) {
                    throw new IllegalStateException("reopened store has " + someStream + " at version "
                            + store.streamVersion(someStream) + ", expected " + (perStream - 1));
                }
            } finally {
                store.close();
            }
            System.out.println("  open took " + Report.duration(nanos));
            return nanos;
        });
    }

    private static List<Path> indexFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().toLowerCase(Locale.ROOT).startsWith("index"))
                    .toList();
        }
    }

    private static String listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(file -> dir.relativize(file).toString()).sorted().toList()
                    .toString();
        }
    }

    // ---- figures against the raw limits

    private String throughputVsLimits(double eventsPerSecond, long diskBytes, long appended) {
        List<String> parts = new ArrayList<>();
        if (engine.persistent() && appended > 0 && !Double.isNaN(rawSeqBytesPerSecond)) {
            double bytesPerSecond = eventsPerSecond * diskBytes / appended;
            parts.add(Report.fraction(bytesPerSecond, rawSeqBytesPerSecond) + " seq write ("
                    + Report.mib(bytesPerSecond) + ")");
        }
        if (!Double.isNaN(rawFsyncPerSecond)) {
            parts.add(Report.fraction(eventsPerSecond, rawFsyncPerSecond) + " fsync/s");
        }
        return String.join("; ", parts);
    }

    private String readVsLimit(double eventsPerSecond, double bytesPerEvent) {
        if (Double.isNaN(bytesPerEvent) || Double.isNaN(rawSeqBytesPerSecond)) {
            return "";
        }
        double bytesPerSecond = eventsPerSecond * bytesPerEvent;
        return Report.fraction(bytesPerSecond, rawSeqBytesPerSecond) + " seq write (" + Report.mib(bytesPerSecond) + ")";
    }

    private String bytesPerEventNote(long diskBytes, long appended) {
        if (!engine.persistent() || appended == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "; %.0f B on disk per event", (double) diskBytes / appended);
    }

    // ---- helpers

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    private static String seconds(Duration duration) {
        return Report.duration(duration.toNanos());
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** Bytes of the regular files under {@code dir}. */
    static long directorySize(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.out.println("  could not delete " + dir + ": " + e);
        }
    }
}
