package eventshop.eventsourcing.relay;

import java.util.BitSet;

/**
 * The relay's bookkeeping of one publishing session: which positions were handed to the producer,
 * which the broker acknowledged, and the highest position up to which every event is
 * acknowledged ({@link #acknowledged()}, the only position a checkpoint may take).
 *
 * <p>Acknowledgements arrive in order per partition but interleaved across partitions, so
 * positions above the contiguous prefix are remembered in a bit set until the gap below them
 * closes. Not thread-safe: the relay guards it with a lock.
 */
final class AckWindow {

    private static final int COMPACT_AFTER = 1 << 16;

    private long acknowledged;
    private long sent;
    private long base;
    private BitSet ahead = new BitSet();
    private BitSet failed = new BitSet();
    private int unsettled;

    /** A window whose positions up to {@code acknowledged} are known to be on the broker. */
    AckWindow(long acknowledged) {
        restart(acknowledged);
    }

    /** Starts a new session after the acknowledged prefix; what was in flight is forgotten. */
    void restart(long from) {
        this.acknowledged = from;
        this.sent = from;
        this.base = from + 1;
        this.ahead = new BitSet();
        this.failed = new BitSet();
        this.unsettled = 0;
    }

    /** Every position up to this one is acknowledged. */
    long acknowledged() {
        return acknowledged;
    }

    /** The last position handed to the producer in this session. */
    long sent() {
        return sent;
    }

    /** Positions sent in this session and neither acknowledged nor failed yet. */
    int unsettled() {
        return unsettled;
    }

    /**
     * Records that {@code position} is being sent. Positions the log does not hold between the
     * last sent one and this one (none, for a gapless log) count as acknowledged.
     */
    void sending(long position) {
        if (position <= sent) {
            throw new IllegalStateException("position " + position + " sent again; last sent " + sent);
        }
        for (long absent = sent + 1; absent < position; absent++) {
            mark(absent);
        }
        sent = position;
        unsettled++;
    }

    /**
     * Takes back a send that never reached the producer (it threw). The binder may have reported the same send as
     * {@link #fail failed} before it threw (Spring Integration's Kafka handler sends a failure to the error channel,
     * then rethrows it: a metadata timeout during a broker outage does both); that report already settled it.
     */
    void unsend(long position) {
        if (position == sent) {
            if (failed.get(index(position))) {
                failed.clear(index(position));
            } else {
                unsettled--;
            }
            sent--;
        }
    }

    /**
     * Records an acknowledgement; returns whether it settled a send of this session (false for
     * duplicates, positions not sent in this session, or ones already settled).
     */
    boolean acknowledge(long position) {
        if (position <= acknowledged || position > sent || ahead.get(index(position))) {
            return false;
        }
        if (!failed.get(index(position))) {
            unsettled--;
        }
        mark(position);
        return true;
    }

    /** Records a failed send; returns whether it settled a send of this session. */
    boolean fail(long position) {
        if (position <= acknowledged || position > sent || ahead.get(index(position))
                || failed.get(index(position))) {
            return false;
        }
        failed.set(index(position));
        unsettled--;
        return true;
    }

    private void mark(long position) {
        ahead.set(index(position));
        while (acknowledged < sent && ahead.get(index(acknowledged + 1))) {
            acknowledged++;
        }
        if (acknowledged + 1 - base > COMPACT_AFTER) {
            int shift = index(acknowledged + 1);
            ahead = ahead.get(shift, Math.max(shift, ahead.length()));
            failed = failed.get(shift, Math.max(shift, failed.length()));
            base = acknowledged + 1;
        }
    }

    private int index(long position) {
        return Math.toIntExact(position - base);
    }
}
