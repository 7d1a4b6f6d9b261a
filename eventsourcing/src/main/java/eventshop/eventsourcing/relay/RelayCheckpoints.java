package eventshop.eventsourcing.relay;

/**
 * Where a relay remembers the last log position the broker acknowledged, so that after a restart
 * it resumes there (re-publishing at most what was acknowledged after the last save).
 *
 * <p>Implementations are thread-safe and durable: a position returned by {@link #load} was saved.
 */
public interface RelayCheckpoints {

    /** The last saved position of {@code relay}, or -1 if it never saved one. */
    long load(String relay);

    /** Saves {@code position} as the last acknowledged position of {@code relay}. */
    void save(String relay, long position);
}
