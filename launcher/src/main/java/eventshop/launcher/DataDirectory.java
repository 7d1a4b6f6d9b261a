package eventshop.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's data directory, held for one running store: {@code .lock} is locked (and holds the
 * process id) from {@link #lock} until {@link #close()}, so a second store on the same directory is
 * refused instead of corrupting the first one's files. Not thread-safe: the runtime owns it.
 */
final class DataDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);

    private final Path dir;
    private FileChannel channel;
    private FileLock lock;

    private DataDirectory(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates and locks {@code dir}; with {@code fresh}, deletes everything in it but the lock first.
     *
     * @throws StoreStartException if another store holds it, or it cannot be used
     */
    static DataDirectory lock(Path dir, boolean fresh, PrintStream out) {
        DataDirectory held = null;
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new StoreStartException("another store is running on " + dir
                        + " (stop it first, or use --data DIR for a second one)");
            }
            held = new DataDirectory(dir, channel, lock);
            channel.truncate(0).write(ByteBuffer.wrap(
                    (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
            if (fresh) {
                held.deleteContentsExceptLock();
                out.println("  --fresh: deleted everything in " + dir);
            }
            return held;
        } catch (IOException e) {
            if (held != null) {
                held.close();
            }
            throw new StoreStartException("cannot use the data directory " + dir + ": " + e, e);
        }
    }

    /**
     * The process id of the store running on {@code dir}: the one its {@code .lock} names, if that
     * process is alive; empty when no store has run there or the last one has stopped.
     */
    static java.util.OptionalLong runningPid(Path dir) {
        try {
            String text = Files.readString(dir.resolve(".lock"), StandardCharsets.UTF_8).strip();
            long pid = Long.parseLong(text);
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent() ? java.util.OptionalLong.of(pid)
                    : java.util.OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return java.util.OptionalLong.empty();
        }
    }

    private void deleteContentsExceptLock() throws IOException {
        Path lockFile = dir.resolve(".lock");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!path.equals(dir) && !path.equals(lockFile)) {
                    Files.delete(path);
                }
            }
        }
    }

    /** Releases the lock; idempotent. */
    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            log.warn("could not release the lock on {}: {}", dir, e.toString());
        } finally {
            lock = null;
            channel = null;
        }
    }
}
