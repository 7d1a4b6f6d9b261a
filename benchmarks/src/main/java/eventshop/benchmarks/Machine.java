package eventshop.benchmarks;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** What the figures were measured on, read from the JVM and /proc. */
final class Machine {

    private Machine() {
    }

    static String cpu() {
        String model = firstValue(Path.of("/proc/cpuinfo"), "model name");
        return Runtime.getRuntime().availableProcessors() + " cores" + (model.isEmpty() ? "" : " (" + model + ")");
    }

    static String memory() {
        String total = firstValue(Path.of("/proc/meminfo"), "MemTotal");
        if (total.endsWith(" kB")) {
            long kib = Long.parseLong(total.substring(0, total.length() - 3).trim());
            return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
        }
        return total.isEmpty() ? "unknown" : total;
    }

    static FileStore fileStore(Path directory) throws IOException {
        return Files.getFileStore(directory);
    }

    static String disk(Path directory) throws IOException {
        FileStore store = fileStore(directory);
        String device = store.name();
        String extra = "";
        if (device.startsWith("/dev/")) {
            String name = device.substring("/dev/".length());
            String rotational = read(Path.of("/sys/block", name, "queue", "rotational"));
            String scheduler = read(Path.of("/sys/block", name, "queue", "scheduler"));
            extra = (rotational.isEmpty() ? "" : rotational.equals("0") ? ", non-rotational" : ", rotational")
                    + (scheduler.isEmpty() ? "" : ", scheduler " + scheduler);
        }
        return device + " (" + store.type() + extra + "), " + String.format(Locale.ROOT, "%.0f GiB free",
                store.getUsableSpace() / 1024.0 / 1024 / 1024) + ", data dir " + directory;
    }

    static String kernel() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
    }

    static String jdk() {
        return System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version");
    }

    /** The 1, 5 and 15 minute load averages: anything well above 0 means something else shares the machine. */
    static String load() {
        String line = read(Path.of("/proc/loadavg"));
        if (line.isEmpty()) {
            return "unknown";
        }
        String[] fields = line.split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    /**
     * The share of all cores busy (any process, this one included) over {@code sampleMillis}, from
     * /proc/stat; NaN where unavailable. Sampled while the harness itself is idle, it tells whether
     * something else is using the machine.
     */
    static double busyFraction(long sampleMillis) throws InterruptedException {
        long[] before = cpuTimes();
        Thread.sleep(sampleMillis);
        long[] after = cpuTimes();
        if (before == null || after == null || after[0] == before[0]) {
            return Double.NaN;
        }
        return 1.0 - (double) (after[1] - before[1]) / (after[0] - before[0]);
    }

    /** A reading of the machine's and this process's CPU counters, to tell what others used in between. */
    record CpuSample(long[] machine, long processNanos, long wallNanos) {

        static CpuSample now() {
            long process = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                    .getProcessCpuTime();
            return new CpuSample(cpuTimes(), process, System.nanoTime());
        }

        /**
         * The share of all cores that other processes (and the kernel's own threads) kept busy
         * since {@code earlier}: machine busy time less this process's CPU time; NaN if unknown.
         */
        /** The share of all cores this process (harness and engine) used since {@code earlier}; NaN if unknown. */
        double ownSince(CpuSample earlier) {
            if (processNanos < 0 || wallNanos == earlier.wallNanos) {
                return Double.NaN;
            }
            return (double) (processNanos - earlier.processNanos)
                    / ((double) (wallNanos - earlier.wallNanos) * Runtime.getRuntime().availableProcessors());
        }

        double othersSince(CpuSample earlier) {
            if (machine == null || earlier.machine == null || processNanos < 0 || wallNanos == earlier.wallNanos) {
                return Double.NaN;
            }
            long busyJiffies = (machine[0] - earlier.machine[0]) - (machine[1] - earlier.machine[1]);
            double busyNanos = busyJiffies * 1e9 / USER_HZ;
            double others = busyNanos - (processNanos - earlier.processNanos);
            double capacity = (double) (wallNanos - earlier.wallNanos) * Runtime.getRuntime().availableProcessors();
            return Math.max(0, others / capacity);
        }
    }

    /** Linux reports /proc/stat in USER_HZ units, 100 per second on every architecture. */
    private static final int USER_HZ = 100;

    /** {total, idle + iowait} jiffies of all cores, or null. */
    private static long[] cpuTimes() {
        String stat = read(Path.of("/proc/stat"));
        if (!stat.startsWith("cpu ")) {
            return null;
        }
        String[] fields = stat.substring(0, stat.indexOf('\n')).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < fields.length && i <= 8; i++) {
            total += Long.parseLong(fields[i]);
        }
        return new long[] {total, Long.parseLong(fields[4]) + Long.parseLong(fields[5])};
    }

    /** This process's nice value (0 normal; negative means it is favoured over other processes), or "". */
    static String niceness() {
        String stat = read(Path.of("/proc/self/stat"));
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return "";
        }
        String[] fields = stat.substring(close + 2).split(" ");
        return fields.length > 16 ? fields[16] : "";
    }

    static String jvmFlags() {
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(", "));
        return String.join(" ", flags) + " (collectors: " + gcs + "; max heap "
                + Runtime.getRuntime().maxMemory() / 1024 / 1024 + " MiB)";
    }

    private static String firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not on Linux: leave it out
        }
        return "";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
