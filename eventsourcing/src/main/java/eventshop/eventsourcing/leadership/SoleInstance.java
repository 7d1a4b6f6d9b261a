package eventshop.eventsourcing.leadership;

import org.springframework.jdbc.core.JdbcOperations;

/**
 * Leadership when the service runs as one instance (the embedded topology, or any database other than
 * PostgreSQL): this instance always leads. Work starts when it registers and stops when it unregisters,
 * exactly as if there were no leadership; {@link #leading()} and {@link #fence} cost nothing.
 */
public final class SoleInstance implements Leadership {

    private final String role;

    public SoleInstance(String role) {
        this.role = role;
    }

    @Override
    public String role() {
        return role;
    }

    @Override
    public boolean leading() {
        return true;
    }

    @Override
    public void fence(JdbcOperations jdbc) {
        // the only instance: nobody else can write
    }

    @Override
    public Registration run(String name, Work work) {
        work.lead();
        return new Registration() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    work.standBy();
                }
            }
        };
    }
}
