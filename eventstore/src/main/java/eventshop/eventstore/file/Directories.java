package eventshop.eventstore.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** File-system helpers of the file engine. */
final class Directories {

    private Directories() {
    }

    /**
     * Forces a directory's entries (created, renamed or removed files) to disk, so that a file
     * created or renamed before a crash is still there after it. Where the platform cannot open a
     * directory as a channel (not Linux), this is a no-op.
     */
    static void sync(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (System.getProperty("os.name", "").toLowerCase().contains("linux")) {
                throw e;
            }
        }
    }
}
