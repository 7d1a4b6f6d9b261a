package eventshop.eventstore.file;

import java.util.Arrays;

/**
 * The index of one stream: the log address of each of its events, by version, and a hash of each
 * event's id.
 *
 * <p>Concurrency: only the store's writer thread calls {@link #add}; any thread may read. The
 * writer grows the arrays, writes the new slot and only then publishes the new count (volatile),
 * so a reader that reads the count first and the arrays after sees at least that many valid slots.
 * Entries the writer added may not be durable yet; readers pass the durable end address and see
 * only the events below it.
 */
final class StreamEntry {

    private volatile long[] addresses;
    private long[] idHashes;
    private volatile int count;

    StreamEntry(int capacity) {
        addresses = new long[Math.max(2, capacity)];
        idHashes = new long[addresses.length];
    }

    /** Writer only. */
    void add(long address, long idHash) {
        int c = count;
        if (c == addresses.length) {
            int capacity = c + (c >> 1) + 2;
            idHashes = Arrays.copyOf(idHashes, capacity);
            addresses = Arrays.copyOf(addresses, capacity);
        }
        addresses[c] = address;
        idHashes[c] = idHash;
        count = c + 1;
    }

    /**
     * Writer only: forgets the events from version {@code n} on (never durable: their write or fsync
     * failed). Readers never saw them, since they see only events below the durable end.
     */
    void truncate(int n) {
        if (n < count) {
            count = n;
        }
    }

    /** Writer only: the number of events including those not yet durable. */
    int writerCount() {
        return count;
    }

    /** Writer only: the address of the event at {@code version}. */
    long writerAddress(long version) {
        return addresses[(int) version];
    }

    /** Writer only: the highest version below {@code below} whose id hash is {@code hash}, or -1. */
    long writerFindHash(long hash, long below) {
        long[] hashes = idHashes;
        for (int v = (int) Math.min(below, count) - 1; v >= 0; v--) {
            if (hashes[v] == hash) {
                return v;
            }
        }
        return -1;
    }

    /** The number of this stream's events stored below {@code durableEnd}. */
    int durableCount(long durableEnd) {
        int c = count;
        if (c == 0) {
            return 0;
        }
        long[] a = addresses;
        if (a[c - 1] < durableEnd) {
            return c;
        }
        int low = 0;
        int high = c - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (a[mid] < durableEnd) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    /** The addresses of the durable events from {@code fromVersion} on (a copy). */
    long[] durableAddresses(long durableEnd, long fromVersion) {
        int n = durableCount(durableEnd);
        if (fromVersion >= n) {
            return new long[0];
        }
        return Arrays.copyOfRange(addresses, (int) fromVersion, n);
    }

    /** For checkpoints: addresses and id hashes of the first {@code n} events (copies). */
    long[][] copy(int n) {
        long[] a = addresses;
        long[] h = idHashes;
        return new long[][] {Arrays.copyOf(a, n), Arrays.copyOf(h, n)};
    }

    /** For loading a checkpoint (before the store is shared). */
    static StreamEntry of(long[] addresses, long[] idHashes) {
        StreamEntry entry = new StreamEntry(0);
        entry.addresses = addresses;
        entry.idHashes = idHashes;
        entry.count = addresses.length;
        return entry;
    }
}
