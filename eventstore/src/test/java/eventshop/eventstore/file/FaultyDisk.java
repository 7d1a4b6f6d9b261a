package eventshop.eventstore.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A disk that fails on command, for the file engine's log segments ({@link FileChannels}): writes
 * that raise an I/O error, fsyncs that raise one (after which the data written stays in the file,
 * as in a page cache the kernel gave up flushing), truncations that fail, and a disk that fills up
 * after a given number of bytes (the write that reaches the limit is cut short, the next one gets
 * "No space left on device"), and fsyncs held in flight until released. Everything else goes to the real file.
 */
final class FaultyDisk implements FileChannels {

    private volatile boolean writesFail;
    private volatile boolean forcesFail;
    private final AtomicInteger forcesToFail = new AtomicInteger();
    /** Which threads' fsyncs {@code forcesToFail} counts down on. */
    private volatile java.util.function.Predicate<Thread> forcesToFailOn = thread -> true;
    private volatile boolean truncatesFail;
    /** While set, an fsync waits (having begun) until it is released: an fsync held in flight. */
    private volatile CountDownLatch forcesHeld;
    /** Counted down by each fsync that begins while forces are held. */
    private volatile CountDownLatch forceBegun = new CountDownLatch(1);
    /** Bytes that may still be written before the disk is full; Long.MAX_VALUE when not filling up. */
    private final AtomicLong space = new AtomicLong(Long.MAX_VALUE);
    final AtomicInteger failedWrites = new AtomicInteger();
    final AtomicInteger failedForces = new AtomicInteger();
    final AtomicInteger forces = new AtomicInteger();

    void failWrites() {
        writesFail = true;
    }

    void failForces() {
        forcesFail = true;
    }

    /** Only the next fsync fails; later ones succeed, as on Linux once a writeback error was reported. */
    void failNextForce() {
        failNextForceOn(thread -> true);
    }

    /**
     * Only the next fsync made for appends fails (by the fsync thread, a caller on the fast path or the
     * writer's roll), not the index checkpointer's: that one covers only acknowledged appends when
     * none is in flight, so its failure refuses nothing (see {@link #failNextCheckpointForce()}).
     */
    void failNextAppendForce() {
        failNextForceOn(thread -> !thread.getName().equals(CHECKPOINTER));
    }

    /** Only the index checkpointer's next fsync fails. */
    void failNextCheckpointForce() {
        failNextForceOn(thread -> thread.getName().equals(CHECKPOINTER));
    }

    private static final String CHECKPOINTER = "eventstore-checkpoint";

    private void failNextForceOn(java.util.function.Predicate<Thread> threads) {
        forcesToFailOn = threads;
        forcesToFail.set(1);
    }

    /** From now on every fsync, once begun, waits for {@link #releaseForces()}. */
    void holdForces() {
        forceBegun = new CountDownLatch(1);
        forcesHeld = new CountDownLatch(1);
    }

    /** Waits until an fsync has begun (and is held) since {@link #holdForces()}. */
    void awaitHeldForce() throws InterruptedException {
        if (!forceBegun.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("no fsync began within 60 s");
        }
    }

    /** Lets the held fsyncs (and every later one) go on. */
    void releaseForces() {
        CountDownLatch held = forcesHeld;
        forcesHeld = null;
        if (held != null) {
            held.countDown();
        }
    }

    void failTruncates() {
        truncatesFail = true;
    }

    /** The disk is full once {@code bytes} more bytes are written. */
    void fillUpAfter(long bytes) {
        space.set(bytes);
    }

    /** The fault goes: every operation works again and the disk has room. */
    void heal() {
        writesFail = false;
        forcesFail = false;
        forcesToFail.set(0);
        truncatesFail = false;
        space.set(Long.MAX_VALUE);
    }

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        return new Channel(FileChannel.open(path, options));
    }

    /** How many of {@code wanted} bytes the disk takes now; throws when it takes none. */
    private int allow(int wanted) throws IOException {
        if (writesFail) {
            failedWrites.incrementAndGet();
            throw new IOException("Input/output error");
        }
        while (true) {
            long left = space.get();
            if (left == Long.MAX_VALUE) {
                return wanted;
            }
            if (left == 0 && wanted > 0) {
                failedWrites.incrementAndGet();
                throw new IOException("No space left on device");
            }
            int granted = (int) Math.min(wanted, left);
            if (space.compareAndSet(left, left - granted)) {
                return granted;
            }
        }
    }

    private final class Channel extends FileChannel {
        private final FileChannel file;

        Channel(FileChannel file) {
            this.file = file;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            int granted = allow(src.remaining());
            if (granted == src.remaining()) {
                return file.write(src, position);
            }
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + granted);
            int n = file.write(part, position);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return write(src, file.position());
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += write(srcs[i]);
            }
            return total;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            CountDownLatch held = forcesHeld;
            if (held != null) {
                forceBegun.countDown();
                try {
                    if (!held.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("a held fsync was never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while held", e);
                }
            }
            forces.incrementAndGet();
            if (forcesFail || (forcesToFailOn.test(Thread.currentThread())
                    && forcesToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0)) {
                failedForces.incrementAndGet();
                throw new IOException("Input/output error");
            }
            file.force(metaData);
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            if (truncatesFail) {
                throw new IOException("Input/output error");
            }
            file.truncate(size);
            return this;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return file.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return file.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new IOException("not supported by the faulty disk");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new IOException("not supported by the faulty disk");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return file.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }
}
