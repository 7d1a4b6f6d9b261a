package eventshop.eventstore.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.StorageUnavailable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The file engine on a real full disk, outside CI: {@code benchmarks/full-disk-file-engine} mounts a
 * small tmpfs and runs this with {@code -Dtest=FullDiskCheck -Deventshop.fullDisk.dir=<mount>} (the
 * name keeps it out of the suite; without the directory it fails, it does not skip). The suite's
 * own proof is {@link FileEngineDiskFaultTest}, with the fault injected.
 *
 * <p>Appends 4 KiB events until the disk refuses one, checks that the refusal is
 * {@link StorageUnavailable} and that exactly the acknowledged events are there, frees space (a
 * ballast file written first), appends again, and reopens.
 */
class FullDiskCheck {

    @Test
    void aRealFullDisk_refusesAppendsTyped_keepsExactlyTheAcknowledged_andRecoversWhenThereIsRoom() throws IOException {
        String mount = System.getProperty("eventshop.fullDisk.dir");
        assertThat(mount).as("-Deventshop.fullDisk.dir (a small file system to fill)").isNotBlank();
        Path dir = Path.of(mount).resolve("store-" + System.nanoTime());
        Path ballast = Path.of(mount).resolve("ballast-" + System.nanoTime());
        Files.write(ballast, new byte[256 * 1024]);
        Random random = new Random(17);
        FileEventStoreOptions options = FileEventStoreOptions.defaults().withSegmentBytes(1024 * 1024)
                .withIndexCheckpointBytes(Long.MAX_VALUE);
        List<RecordedEvent> acknowledged;
        int refusals = 0;
        try (FileEventStore store = FileEventStore.open(dir, options)) {
            // given appends until the disk is full
            long version = -1;
            StorageUnavailable refused = null;
            while (refused == null) {
                try {
                    AppendResult result = store.append("fill", ExpectedVersion.any(), List.of(event(random)));
                    version = result.streamVersion();
                } catch (StorageUnavailable e) {
                    refused = e;
                }
            }
            refusals++;
            System.out.println("full after " + (version + 1) + " events: " + refused.getMessage());
            assertThat(refused).hasMessageContaining("No space left on device");
            acknowledged = StoreAudit.verify(store, List.of()).all();
            assertThat(acknowledged).hasSize((int) version + 1);

            // when still full, appends keep being refused and nothing more is stored
            for (int i = 0; i < 3; i++) {
                long before = store.headPosition();
                assertThatThrownBy(() -> store.append("fill", ExpectedVersion.any(), List.of(event(random))))
                        .isInstanceOf(StorageUnavailable.class);
                refusals++;
                assertThat(store.headPosition()).isEqualTo(before);
            }

            // then, with room again, the next append is stored right after the acknowledged ones
            Files.delete(ballast);
            AppendResult result = store.append("fill", ExpectedVersion.exactly(version), List.of(event(random)));
            assertThat(result).isEqualTo(new AppendResult(version + 1, version + 1));
            acknowledged = StoreAudit.verify(store, List.of()).all();
        }
        try (FileEventStore store = FileEventStore.open(dir, options)) {
            assertThat(StoreAudit.verify(store, List.of()).all()).isEqualTo(acknowledged);
        }
        System.out.printf("real full disk at %s: %d events acknowledged, %d appends refused with StorageUnavailable,"
                + " all acknowledged events there after reopen%n", mount, acknowledged.size(), refusals);
    }

    private static EventData event(Random random) {
        byte[] data = new byte[4096];
        random.nextBytes(data);
        return new EventData(new UUID(random.nextLong(), random.nextLong()), "Filler", data, Metadata.EMPTY);
    }
}
