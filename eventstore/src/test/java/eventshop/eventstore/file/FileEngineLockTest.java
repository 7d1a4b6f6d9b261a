package eventshop.eventstore.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.StoreLockedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One open store per directory: a second opener, in another process or in this JVM, gets
 * {@link StoreLockedException} and changes nothing, and the lock goes away with its holder, whether
 * the holder closes the store or is killed.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FileEngineLockTest {

    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    Path dir;

    @BeforeEach
    void createStoreDirectory() throws Exception {
        dir = Files.createDirectories(tmp.resolve("locked-store"));
    }

    @Nested
    class AnotherProcess {

        @Test
        void open_throwsStoreLocked_whileAnotherProcessHoldsTheStore_andSucceedsAfterItCloses() throws Exception {
            try (ChildJvm holder = ChildJvm.start(StoreHolder.class, tmp.resolve("holder.err"), "hold", dir.toString())) {
                // given
                holder.awaitLine(line -> line.startsWith(StoreHolder.READY), CHILD_TIMEOUT);

                // when / then
                assertOpenIsRefused(dir);
                assertOpenIsRefused(dir);

                holder.closeStdin();
                holder.awaitLine(StoreHolder.CLOSED::equals, CHILD_TIMEOUT);
                assertThat(holder.awaitExit(CHILD_TIMEOUT)).as("holder exit code" + holder.describe()).isZero();
            }
            assertOpensWithTheHoldersEventAndAppends(dir);
        }

        @Test
        void lockOfAKilledProcess_isReleased() throws Exception {
            try (ChildJvm holder = ChildJvm.start(StoreHolder.class, tmp.resolve("holder.err"), "hold", dir.toString())) {
                // given
                holder.awaitLine(line -> line.startsWith(StoreHolder.READY), CHILD_TIMEOUT);
                assertOpenIsRefused(dir);

                // when
                holder.kill();
            }

            // then
            assertOpensWithTheHoldersEventAndAppends(dir);
        }

        @Test
        void anotherProcess_cannotOpen_whileThisJvmHoldsTheStore() throws Exception {
            try (FileEventStore store = FileEventStore.open(dir)) {
                assertThat(probeFromAnotherProcess()).startsWith(StoreHolder.LOCKED + " ");
                assertThat(store.headPosition()).isEqualTo(-1);
            }
            assertThat(probeFromAnotherProcess()).isEqualTo(StoreHolder.OPENED);
        }
    }

    @Nested
    class SameJvm {

        @Test
        void secondOpen_throwsStoreLocked_untilTheFirstIsClosed() {
            try (FileEventStore first = FileEventStore.open(dir)) {
                assertOpenIsRefused(dir);
                first.append("s", ExpectedVersion.noStream(), new CrashBatch("s", 0, 2, 7).events());
            }
            try (FileEventStore again = FileEventStore.open(dir)) {
                assertThat(again.streamVersion("s")).isEqualTo(1);
            }
        }

        @Test
        void secondOpen_throwsStoreLocked_whenTheDirectoryIsSpelledDifferently() throws Exception {
            Path link = Files.createSymbolicLink(tmp.resolve("link-to-store"), dir);
            Path unnormalized = dir.resolve("..").resolve(dir.getFileName()).resolve(".");
            Path relative = Path.of("").toAbsolutePath().relativize(dir.toAbsolutePath());
            try (FileEventStore first = FileEventStore.open(dir)) {
                assertOpenIsRefused(link);
                assertOpenIsRefused(unnormalized);
                assertOpenIsRefused(relative);
                assertThat(first.headPosition()).isEqualTo(-1);
            }
        }
    }

    /** Asserts that opening fails with a {@link StoreLockedException} whose message names the directory. */
    private void assertOpenIsRefused(Path directory) {
        assertThatThrownBy(() -> FileEventStore.open(directory).close())
                .as("opening %s", directory)
                .isInstanceOf(StoreLockedException.class)
                .satisfies(e -> assertThat(e.getMessage()).as("message of %s", e)
                        .containsAnyOf(dir.getFileName().toString(), directory.toString()));
    }

    private String probeFromAnotherProcess() throws Exception {
        try (ChildJvm probe = ChildJvm.start(StoreHolder.class, tmp.resolve("probe.err"), "probe", dir.toString())) {
            String answer = probe.awaitLine(line -> line.startsWith(StoreHolder.LOCKED)
                    || line.equals(StoreHolder.OPENED), CHILD_TIMEOUT);
            assertThat(probe.awaitExit(CHILD_TIMEOUT)).as("probe exit code" + probe.describe()).isZero();
            return answer;
        }
    }

    private static void assertOpensWithTheHoldersEventAndAppends(Path directory) {
        try (EventStore store = FileEventStore.open(directory)) {
            assertThat(store.streamVersion(StoreHolder.STREAM)).isZero();
            assertThat(store.read(StoreHolder.STREAM, 0).collectList().block(CHILD_TIMEOUT))
                    .singleElement()
                    .satisfies(event -> assertThat(new CrashBatch(StoreHolder.STREAM, 0, 1, 42).event(0).sameContentAs(event))
                            .isTrue());
            AppendResult result = store.append(StoreHolder.STREAM, ExpectedVersion.exactly(0),
                    new CrashBatch(StoreHolder.STREAM, 1, 1, 43).events());
            assertThat(result).isEqualTo(new AppendResult(1, 1));
        }
    }
}
