package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventstore.EventStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestration of {@link StoreRuntime} with stub applications (the real store: {@code StoreEndToEndTest}). */
class StoreRuntimeTest {

    @TempDir
    Path dataDir;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private StoreConfig config(List<ServiceApp> services, ServiceApp edge) {
        return StoreConfig.of(dataDir, services, edge).withDemoData(false)
                .withKafkaPorts(FreePorts.next(), FreePorts.next());
    }

    private StoreRuntime runtime(StoreConfig config) {
        return new StoreRuntime(config, new PrintStream(console, true));
    }

    @Test
    void startsEveryApplicationOverItsOwnDataAndStartsAgainOverTheSameData() throws Exception {
        StoreConfig config = config(List.of(StubApps.service("alpha"), StubApps.service("beta")), StubApps.edge());
        String tokenSecret;
        try (StoreRuntime store = runtime(config)) {
            // when
            store.start();

            // then
            var alpha = store.context("alpha").getEnvironment();
            assertThat(alpha.getProperty("eventshop.eventstore.directory"))
                    .isEqualTo(dataDir.resolve("alpha/eventstore").toString());
            assertThat(alpha.getProperty("spring.datasource.url"))
                    .startsWith("jdbc:h2:file:" + dataDir.resolve("alpha/readmodel")).doesNotContain("WRITE_DELAY");
            assertThat(alpha.getProperty("spring.kafka.bootstrap-servers")).isEqualTo("localhost:" + config.kafkaPort());
            tokenSecret = alpha.getProperty("eventshop.security.token-secret");
            assertThat(store.context("beta").getEnvironment().getProperty("eventshop.security.token-secret"))
                    .isEqualTo(tokenSecret);
            assertThat(Files.isDirectory(dataDir.resolve("alpha/eventstore"))).isTrue();
            assertThat(Files.isDirectory(dataDir.resolve("kafka"))).isTrue();
            assertThat(store.context("edge").getEnvironment().getProperty("eventshop.edge.services.beta"))
                    .isEqualTo(store.url("beta").toString());
            // edge shares the classpath but not the services' event-sourcing stack
            assertThat(store.context("edge").getBeanNamesForType(EventStore.class)).isEmpty();
            assertThat(store.context("alpha").getBeanNamesForType(EventStore.class)).hasSize(1);
            assertThat(Files.getPosixFilePermissions(dataDir.resolve("secrets/token-secret")))
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
        assertThat(console.toString()).contains("alpha", "beta", "edge", "kafka");

        // a restart over the same directory finds the same secrets
        try (StoreRuntime again = runtime(config)) {
            again.start();
            assertThat(again.context("alpha").getEnvironment().getProperty("eventshop.security.token-secret"))
                    .isEqualTo(tokenSecret);
        }
    }

    @Test
    void aFailedStartNamesTheApplicationAndStopsWhatHadStarted() throws Exception {
        StoreConfig config = config(List.of(StubApps.service("alpha"), StubApps.broken("beta")), StubApps.edge());
        StoreRuntime store = runtime(config);

        assertThatThrownBy(store::start).isInstanceOf(StoreStartException.class)
                .hasMessageContaining("beta failed to start").hasMessageContaining("this stub never starts");

        // alpha and the broker are stopped: their ports are free again, and so is the data directory
        assertThat(portFree(config.port(config.services().getFirst()))).isTrue();
        assertThat(portFree(config.kafkaPort())).isTrue();
        try (FileChannel channel = FileChannel.open(dataDir.resolve(".lock"), StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            assertThat(lock).isNotNull();
        }
    }

    @Test
    void refusesADataDirectoryInUse() throws Exception {
        StoreConfig config = config(List.of(StubApps.service("alpha")), StubApps.edge());
        Files.createDirectories(dataDir);
        try (FileChannel channel = FileChannel.open(dataDir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = channel.lock()) {

            assertThatThrownBy(() -> runtime(config).start()).isInstanceOf(StoreStartException.class)
                    .hasMessageContaining("another store is running on " + dataDir);
        }
    }

    @Test
    void freshEmptiesTheDataDirectory_andAPortInUseIsNamed() throws Exception {
        Files.createDirectories(dataDir.resolve("alpha"));
        Files.writeString(dataDir.resolve("alpha/leftover"), "old");
        StoreConfig config = config(List.of(StubApps.service("alpha")), StubApps.edge()).withFresh(true);
        try (ServerSocket taken = new ServerSocket(config.port(config.edge()))) {

            assertThatThrownBy(() -> runtime(config).start()).isInstanceOf(StoreStartException.class)
                    .hasMessageContaining("port " + taken.getLocalPort() + " for edge");
        }
        assertThat(dataDir.resolve("alpha/leftover")).doesNotExist();
        assertThat(dataDir.resolve("secrets/token-secret")).exists();
    }

    private static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
