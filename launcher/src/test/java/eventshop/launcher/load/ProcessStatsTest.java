package eventshop.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's CPU time and memory from {@code /proc} ({@link ProcessStats}). */
class ProcessStatsTest {

    // a real line of a JVM's /proc/<pid>/stat, its command changed to one with blanks and parentheses
    private static final String STAT = "48213 (java (store) x) S 48190 48213 48190 34816 48213 1077936128 1186542 0 "
            + "3 0 5490 1270 0 0 20 0 61 0 9913547 5094825984 302931 18446744073709551615 1 1 0 0 0 0 0 4096 16798975 0 "
            + "0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

    @TempDir
    Path proc;

    @Test
    void cpuIsUtimePlusStime_inMilliseconds_countedFromTheLastParenthesis() {
        // utime 5490 + stime 1270 ticks of 10 ms
        assertThat(ProcessStats.cpuMillisOf(STAT)).isEqualTo(67_600);
    }

    @Test
    void residentMemoryIsVmRss() {
        String status = "Name:\tjava\nVmPeak:\t 5000000 kB\nVmRSS:\t  1211724 kB\nRssAnon:\t 1000000 kB\n";
        assertThat(ProcessStats.rssBytesOf(status)).isEqualTo(1_211_724L * 1024);
    }

    @Test
    void aLineThatIsNoStatLine_isRefusedWithItsText() {
        assertThatThrownBy(() -> ProcessStats.cpuMillisOf("hello world")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a /proc/<pid>/stat line: hello world");
        assertThatThrownBy(() -> ProcessStats.cpuMillisOf("1 (x) S 2 3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcessStats.rssBytesOf("Name:\tjava\n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFilesOfAProcessDirectoryAreRead_andAMissingOneIsUnreadable() throws Exception {
        Files.writeString(proc.resolve("stat"), STAT);
        Files.writeString(proc.resolve("status"), "VmRSS:\t 2048 kB\n");
        ProcessStats stats = new ProcessStats(proc);
        assertThat(stats.readable()).isTrue();
        assertThat(stats.cpuMillis()).isEqualTo(67_600);
        assertThat(stats.rssBytes()).isEqualTo(2 * 1024 * 1024);

        assertThat(new ProcessStats(proc.resolve("gone")).readable()).isFalse();
    }

    @Test
    void thisJvm_usesSomeCpuAndMemory() {
        ProcessStats self = new ProcessStats(ProcessHandle.current().pid());
        assertThat(self.readable()).isTrue();
        assertThat(self.cpuMillis()).isPositive();
        assertThat(self.rssBytes()).isGreaterThan(10L * 1024 * 1024);
    }
}
