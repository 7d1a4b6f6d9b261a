package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory's lock ({@link DataDirectory}): one store at a time, released when it stops. */
class DataDirectoryTest {

    @TempDir
    Path dir;

    private final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true);

    @Test
    void aSecondStoreIsRefusedWhileTheFirstHoldsTheDirectory_andMayStartOnceItIsReleased() throws Exception {
        try (DataDirectory first = DataDirectory.lock(dir, false, out)) {
            assertThat(Files.readString(dir.resolve(".lock")).strip()).isEqualTo(String.valueOf(ProcessHandle.current().pid()));

            assertThatThrownBy(() -> DataDirectory.lock(dir, false, out)).isInstanceOf(StoreStartException.class)
                    .hasMessageContaining("another store is running on " + dir);
        }

        try (DataDirectory again = DataDirectory.lock(dir, false, out)) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void fresh_deletesEverythingButTheLock() throws Exception {
        Files.createDirectories(dir.resolve("carts/eventstore"));
        Files.writeString(dir.resolve("carts/eventstore/segment"), "old");
        Files.writeString(dir.resolve("demo-data.loaded"), "old");

        try (DataDirectory held = DataDirectory.lock(dir, true, out)) {
            try (var left = Files.list(dir)) {
                assertThat(left.map(path -> path.getFileName().toString())).containsExactly(".lock");
            }
        }
    }

    @Test
    void aDirectoryThatCannotBeMade_isNamed() throws Exception {
        Path file = dir.resolve("not-a-directory");
        Files.writeString(file, "x");

        assertThatThrownBy(() -> DataDirectory.lock(file.resolve("data"), false, out))
                .isInstanceOf(StoreStartException.class)
                .hasMessageContaining("cannot use the data directory " + file.resolve("data"));
    }

    @Test
    void theRunningStoresPid_isTheOneTheLockNames_whileThatProcessLives() throws Exception {
        assertThat(DataDirectory.runningPid(dir)).isEmpty();

        try (DataDirectory held = DataDirectory.lock(dir, false, out)) {
            assertThat(DataDirectory.runningPid(dir)).hasValue(ProcessHandle.current().pid());
        }

        // a lock left by a store that has stopped (a pid no process has) names no running store
        Files.writeString(dir.resolve(".lock"), Long.MAX_VALUE + "\n");
        assertThat(DataDirectory.runningPid(dir)).isEmpty();
        Files.writeString(dir.resolve(".lock"), "");
        assertThat(DataDirectory.runningPid(dir)).isEmpty();
    }
}
