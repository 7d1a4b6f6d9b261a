package eventshop.eventstore.file;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/** A bounded pool of direct read buffers, so sequential reads neither allocate nor copy per call. */
final class BufferPool {

    private final ArrayBlockingQueue<ByteBuffer> free;
    private final int size;

    BufferPool(int buffers, int size) {
        this.free = new ArrayBlockingQueue<>(buffers);
        this.size = size;
    }

    ByteBuffer acquire() {
        ByteBuffer buffer = free.poll();
        return buffer != null ? buffer.clear() : ByteBuffer.allocateDirect(size);
    }

    /** Returns a buffer taken from {@link #acquire()}; other buffers are dropped. */
    void release(ByteBuffer buffer) {
        if (buffer.isDirect() && buffer.capacity() == size) {
            free.offer(buffer);
        }
    }
}
