package eventshop.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Command-line settings of {@link EventStoreBenchmark}. Every duration and size has a full-run
 * default and a {@code --quick} default; an explicit flag wins over both.
 *
 * @param engine        {@code file} (the engine under test) or {@code memory} (stand-in to check the harness)
 * @param quick         smoke run: short phases, smaller store
 * @param cases         which cases to run, in {@link #ALL_CASES} order
 * @param warmup        warm-up of each timed case, not measured
 * @param measure       measured phase of each timed case
 * @param readEvents    events in the store used by the read and open cases
 * @param readStreams   streams that those events are spread over
 * @param seqWriteBytes bytes written by the raw sequential-write probe
 * @param openRepeats   how many times the open of the read store is timed
 * @param dataDir       parent of the per-case store directories (must be on the disk under test)
 * @param results       Markdown results file
 * @param waitIdle      how long to wait, before starting, for the machine to be idle (zero: do not wait)
 * @param retryBusy     how many times a case may be run again because other processes were busy meanwhile
 * @param waitBudget    total time that waiting for idle and retries may add to the run
 */
record Options(String engine, boolean quick, Set<String> cases, Duration warmup, Duration measure, int readEvents,
               int readStreams, long seqWriteBytes, int openRepeats, Path dataDir, Path results, Duration waitIdle,
               int retryBusy, Duration waitBudget) {

    static final List<String> ALL_CASES = List.of("raw", "append1", "append16", "append64", "pipelined", "read",
            "open");

    static final String USAGE = """
            usage: benchmarks/run [--quick] [--engine=file|memory] [--cases=raw,append1,append16,append64,pipelined,read,open]
                                  [--warmup=SECONDS] [--measure=SECONDS] [--read-events=N] [--read-streams=N]
                                  [--seq-write-mib=N] [--open-repeats=N] [--data-dir=DIR] [--results=FILE]
                                  [--wait-idle=MINUTES] [--retry-busy=N] [--wait-budget=MINUTES]
              --quick      smoke run (~1-2 min): 1 s warm-up, 3 s measure, 200k-event read store
              --wait-idle  before starting, wait up to MINUTES for the machine to be idle (< 10% busy over 5 s)
              --retry-busy run a case again (up to N times, after waiting for idle) when other processes
                           used more than 15% of the cores while it ran
              --wait-budget  stop waiting and retrying once the run has waited/retried this long (default 60)
              defaults     5 s warm-up, 10 s measure per case, 1M-event read store over 10k streams,
                           2 GiB sequential write, 5 timed opens; data under benchmarks/target/bench-data
            """;

    static Options parse(String[] args) {
        String engine = "file";
        boolean quick = false;
        Set<String> cases = new LinkedHashSet<>(ALL_CASES);
        Double warmup = null;
        Double measure = null;
        Integer readEvents = null;
        Integer readStreams = null;
        Long seqWriteMib = null;
        Integer openRepeats = null;
        Path dataDir = Path.of("benchmarks", "target", "bench-data");
        Path results = Path.of("benchmarks", "target", "results.md");
        Duration waitIdle = Duration.ZERO;
        int retryBusy = 0;
        Duration waitBudget = Duration.ofMinutes(60);
        for (String arg : args) {
            String key = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
            switch (key) {
                case "--quick" -> quick = true;
                case "--engine" -> {
                    if (!value.equals("file") && !value.equals("memory")) {
                        throw new IllegalArgumentException("--engine must be file or memory, was " + value);
                    }
                    engine = value;
                }
                case "--cases" -> {
                    cases = new LinkedHashSet<>();
                    for (String name : value.split(",")) {
                        if (!ALL_CASES.contains(name.trim())) {
                            throw new IllegalArgumentException("unknown case '" + name + "'; cases: " + ALL_CASES);
                        }
                        cases.add(name.trim());
                    }
                    Set<String> ordered = new LinkedHashSet<>();
                    for (String name : ALL_CASES) {
                        if (cases.contains(name)) {
                            ordered.add(name);
                        }
                    }
                    cases = ordered;
                }
                case "--warmup" -> warmup = Double.parseDouble(value);
                case "--measure" -> measure = Double.parseDouble(value);
                case "--read-events" -> readEvents = Integer.parseInt(value);
                case "--read-streams" -> readStreams = Integer.parseInt(value);
                case "--seq-write-mib" -> seqWriteMib = Long.parseLong(value);
                case "--open-repeats" -> openRepeats = Integer.parseInt(value);
                case "--data-dir" -> dataDir = Path.of(value);
                case "--results" -> results = Path.of(value);
                case "--wait-budget" -> waitBudget = seconds(Double.parseDouble(value) * 60, 0);
                case "--retry-busy" -> retryBusy = Integer.parseInt(value);
                case "--wait-idle" -> waitIdle = seconds(Double.parseDouble(value) * 60, 0);
                case "--help", "-h" -> {
                    System.out.print(USAGE);
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'\n" + USAGE);
            }
        }
        return new Options(engine, quick, cases,
                seconds(warmup, quick ? 1 : 5), seconds(measure, quick ? 3 : 10),
                readEvents != null ? readEvents : quick ? 200_000 : 1_000_000,
                readStreams != null ? readStreams : quick ? 2_000 : 10_000,
                (seqWriteMib != null ? seqWriteMib : quick ? 256 : 2048) * 1024 * 1024,
                openRepeats != null ? openRepeats : quick ? 3 : 5,
                dataDir.toAbsolutePath(), results.toAbsolutePath(), waitIdle, retryBusy, waitBudget);
    }

    private static Duration seconds(Double given, double fallback) {
        double s = given != null ? given : fallback;
        return Duration.ofNanos((long) (s * 1e9));
    }

    boolean runs(String name) {
        return cases.contains(name);
    }
}
