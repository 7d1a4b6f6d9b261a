package eventshop.eventstore.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventstore.CorruptStoreException;
import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.Snapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot files damaged by hand: a load reports the damage, and the next save replaces the file. */
class FileEngineSnapshotFilesTest {

    @TempDir
    Path dir;

    @Test
    void aDamagedSnapshotFile_failsItsLoad_andIsReplacedByTheNextSave() throws Exception {
        // given a stream of 3 events and a snapshot at version 2, whose file is then damaged
        try (FileEventStore store = FileEventStore.open(dir)) {
            for (int i = 0; i < 3; i++) {
                store.append("cart-1", ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(), "Added",
                        "{}".getBytes(StandardCharsets.UTF_8), new Metadata("c", "c", "u", Instant.EPOCH, 1, Map.of()))));
            }
            store.saveSnapshot(new Snapshot("cart-1", 2, "cart/v1", "{\"n\":2}".getBytes(StandardCharsets.UTF_8)));
        }
        try (Stream<Path> files = Files.list(dir.resolve("snapshots"))) {
            Path file = files.filter(f -> f.toString().endsWith(".snapshot")).findFirst().orElseThrow();
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 0x5a;
            Files.write(file, bytes);
        }

        try (FileEventStore store = FileEventStore.open(dir)) {
            // when / then
            assertThatThrownBy(() -> store.loadSnapshot("cart-1")).isInstanceOf(CorruptStoreException.class);
            Snapshot replacement = new Snapshot("cart-1", 1, "cart/v2", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            store.saveSnapshot(replacement);
            assertThat(store.loadSnapshot("cart-1")).contains(replacement);
            assertThat(store.read("cart-1", 0).count().block()).isEqualTo(3);
        }
    }
}
