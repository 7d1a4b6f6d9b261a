package eventshop.eventstore.file;

import java.util.Arrays;

/**
 * A sparse map from global position to log address: the address of every {@value #STRIDE}th
 * position. A read from position p starts at the entry for p rounded down and skips at most
 * {@value #STRIDE} - 1 records. Writer-appended, read by any thread (same publication rule as
 * {@link StreamEntry}).
 */
final class PositionIndex {

    static final int STRIDE = 256;

    private volatile long[] addresses;
    private volatile int count;

    PositionIndex(long[] addresses) {
        this.addresses = addresses.length == 0 ? new long[64] : Arrays.copyOf(addresses, addresses.length * 2);
        this.count = addresses.length;
    }

    /** Writer only: records the address of {@code position} if it is on the stride. */
    void onRecord(long position, long address) {
        if (position % STRIDE != 0) {
            return;
        }
        int slot = (int) (position / STRIDE);
        int c = count;
        if (slot != c) {
            throw new IllegalStateException("position index out of step: slot " + slot + " after " + c);
        }
        if (c == addresses.length) {
            addresses = Arrays.copyOf(addresses, c * 2);
        }
        addresses[c] = address;
        count = c + 1;
    }

    /** Writer only: forgets the entries of positions after {@code head} (never durable: their write or fsync failed). */
    void truncate(long head) {
        int keep = head < 0 ? 0 : (int) (head / STRIDE) + 1;
        if (keep < count) {
            count = keep;
        }
    }

    /** The address of the highest indexed position at or below {@code position}, and that position. */
    long[] floor(long position) {
        int c = count;
        long[] a = addresses;
        int slot = (int) Math.min(position / STRIDE, c - 1);
        return new long[] {slot * (long) STRIDE, a[slot]};
    }

    int size() {
        return count;
    }

    /** The first {@code n} entries (a copy), for checkpoints. */
    long[] copy(int n) {
        return Arrays.copyOf(addresses, n);
    }
}
