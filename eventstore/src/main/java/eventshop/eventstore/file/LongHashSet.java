package eventshop.eventstore.file;

import java.util.Arrays;

/** An open-addressing set of non-zero longs (linear probing, load factor ≤ 1/2). Not thread-safe. */
final class LongHashSet {

    private long[] slots;
    private int size;

    LongHashSet(int expected) {
        slots = new long[Math.max(16, Integer.highestOneBit(Math.max(1, expected) * 2 - 1) << 1)];
    }

    boolean contains(long value) {
        long[] table = slots;
        int mask = table.length - 1;
        for (int i = (int) value & mask; ; i = (i + 1) & mask) {
            long slot = table[i];
            if (slot == value) {
                return true;
            }
            if (slot == 0) {
                return false;
            }
        }
    }

    void add(long value) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        if (insert(slots, value)) {
            size++;
        }
    }

    int size() {
        return size;
    }

    private static boolean insert(long[] table, long value) {
        int mask = table.length - 1;
        for (int i = (int) value & mask; ; i = (i + 1) & mask) {
            long slot = table[i];
            if (slot == value) {
                return false;
            }
            if (slot == 0) {
                table[i] = value;
                return true;
            }
        }
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        for (long value : slots) {
            if (value != 0) {
                insert(bigger, value);
            }
        }
        slots = bigger;
    }

    @Override
    public String toString() {
        return "LongHashSet[size=" + size + ", capacity=" + slots.length + "]" + (size < 0 ? Arrays.toString(slots) : "");
    }
}
