package eventshop.eventsourcing.leadership;

import org.springframework.jdbc.core.JdbcOperations;

/**
 * Which instance of a service does the work that must run once per service: the log relay (two relays
 * would publish the same range twice, interleaved), the projections of the service's own database and
 * the service's timers (an order's deadlines). One named role, held by at most one instance at a time;
 * the others stand by and take over when the leader goes.
 *
 * <p>Two implementations: {@link SoleInstance}, the embedded topology's (one instance; it always leads,
 * at no cost), and {@link AdvisoryLockLeadership}, the distributed topology's (instances of a service
 * share one PostgreSQL database; the leader holds a session-level advisory lock there).
 *
 * <p>How work uses it: it {@link #run registers} once, and is told to {@link Work#lead} when this
 * instance becomes the leader and to {@link Work#standBy} when it stops leading (before the lock is
 * released, when it lets go; as soon as it notices, when the lock was lost). While it works, it asks
 * {@link #leading()} before each unit of work that others can see (a batch of sends), and writes its
 * progress behind the {@link #fence}, so that an instance that lost the lead without noticing yet
 * cannot move shared progress.
 *
 * <p>Thread-safe. {@code lead} and {@code standBy} of all registered work are called one at a time.
 */
public interface Leadership {

    /** The work of a role: started when this instance leads, stopped when it stops leading. */
    interface Work {

        /** This instance leads now: start the work. Returns once it runs. */
        void lead();

        /** This instance no longer leads (or the work is unregistered): stop the work. Returns once it stopped. */
        void standBy();
    }

    /** A registration of {@link Work}; closing it stands the work by (if it leads) and forgets it. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** The role's name, as status and metrics show it. */
    String role();

    /**
     * Whether this instance leads now and may do the role's work. Cheap (no I/O): a check of the last
     * confirmation of the lock, which holds for a lease, so it turns false by itself when the lock cannot
     * be confirmed any more, before another instance may start.
     */
    boolean leading();

    /**
     * Inside a transaction on the database that holds the lock, makes sure that this instance still holds
     * it, so that a write of shared progress in that transaction is only made by the leader.
     *
     * @throws NotLeading if this instance does not lead
     */
    void fence(JdbcOperations jdbc);

    /**
     * Registers {@code work}: if this instance leads, {@link Work#lead} is called now, on this thread;
     * else when it becomes the leader.
     *
     * @param name the work's name, for logs
     */
    Registration run(String name, Work work);
}
