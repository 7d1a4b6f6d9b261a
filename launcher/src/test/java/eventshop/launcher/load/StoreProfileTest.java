package eventshop.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --profile}: a JFR recording of a JVM through its {@code jcmd} ({@link StoreProfile}), here of this one. */
class StoreProfileTest {

    @TempDir
    Path dir;

    @Test
    void theRecordingGoesIntoADirectoryThatDidNotExistYet() {
        // given an output directory the run has not made yet (the report is written after the recording stops)
        Path file = dir.resolve("target/load/run-1/store.jfr");

        // when this JVM is recorded and the recording stopped
        StoreProfile profile = StoreProfile.start(ProcessHandle.current().pid(), file);
        Path written = profile.stop();

        // then the file is there, with a JFR recording's magic
        assertThat(written).isEqualTo(file.toAbsolutePath());
        assertThat(Files.isRegularFile(file)).isTrue();
        assertThat(new String(readStart(file))).isEqualTo("FLR\0");
    }

    @Test
    void aProcessThatIsNoJvm_isAnErrorNamingTheCommand() {
        assertThatThrownBy(() -> StoreProfile.start(Long.MAX_VALUE, dir.resolve("x.jfr")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("JFR.start");
    }

    private static byte[] readStart(Path file) {
        try (var in = Files.newInputStream(file)) {
            return in.readNBytes(4);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
