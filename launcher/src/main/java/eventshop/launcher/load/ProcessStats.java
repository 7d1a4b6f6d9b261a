package eventshop.launcher.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time and resident memory of a process on Linux, from {@code /proc/<pid>/stat} (fields 14 and
 * 15, utime and stime, in clock ticks of {@value #TICKS_PER_SECOND} per second: the kernel's USER_HZ,
 * which is 100 on every architecture Linux exports to user space) and {@code VmRSS} of
 * {@code /proc/<pid>/status}. Both count every thread of the process, and the processes it started that still run
 * (the distributed store's: every application, the Kafka nodes; not PostgreSQL's server, which its start detaches).
 */
public final class ProcessStats {

    static final int TICKS_PER_SECOND = 100;

    private final Path proc;
    private final long pid;

    /** The process {@code pid} under {@code /proc}, with its descendants. */
    public ProcessStats(long pid) {
        this.proc = Path.of("/proc", Long.toString(pid));
        this.pid = pid;
    }

    /** A process directory laid out as {@code /proc/<pid>} (tests give a copy), without descendants. */
    ProcessStats(Path proc) {
        this.proc = proc;
        this.pid = -1;
    }

    /** Whether the files can be read (a live process on Linux). */
    public boolean readable() {
        try {
            cpuMillis();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** User + system CPU time the process and its running descendants have used so far, in milliseconds. */
    public long cpuMillis() {
        return cpuMillisOf(read(proc, "stat")) + descendants().mapToLong(child -> {
            try {
                return cpuMillisOf(read(child, "stat"));
            } catch (RuntimeException exited) {
                return 0;
            }
        }).sum();
    }

    /** Resident memory now of the process and its descendants, in bytes. */
    public long rssBytes() {
        return rssBytesOf(read(proc, "status")) + descendants().mapToLong(child -> {
            try {
                return rssBytesOf(read(child, "status"));
            } catch (RuntimeException exited) {
                return 0;
            }
        }).sum();
    }

    private java.util.stream.Stream<Path> descendants() {
        if (pid < 0) {
            return java.util.stream.Stream.empty();
        }
        return ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                .map(child -> Path.of("/proc", Long.toString(child.pid())));
    }

    /**
     * The CPU milliseconds of a {@code stat} line. The second field (the command, in parentheses) may
     * itself hold blanks and parentheses, so the fields are counted from the last {@code ')'}.
     */
    static long cpuMillisOf(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + abbreviate(stat));
        }
        String[] fields = stat.substring(close + 1).strip().split("\\s+");
        // fields[0] is field 3 (state): utime is field 14, stime field 15
        if (fields.length < 13) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + abbreviate(stat));
        }
        try {
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 1000 / TICKS_PER_SECOND;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + abbreviate(stat), e);
        }
    }

    /** The resident memory in a {@code status} file ({@code VmRSS: 123456 kB}), in bytes. */
    static long rssBytesOf(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).strip().split("\\s+");
                if (parts.length == 2 && parts[1].equals("kB")) {
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        }
        throw new IllegalArgumentException("no VmRSS in the status file");
    }

    private static String read(Path proc, String file) {
        try {
            return Files.readString(proc.resolve(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + proc.resolve(file) + ": " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
