package eventshop.launcher.logging;

/**
 * Which service of the store a thread works for, for the {@code %service} column of the log.
 *
 * <p>The launcher starts the contexts one after the other on one thread and sets the name before
 * each; every thread a context creates while it starts (web server workers, Kafka consumers,
 * projection runners) inherits it. Threads from pools shared by all contexts keep the name of
 * whichever context created them first, so the column is a guide, not an audit trail.
 */
public final class ServiceNames {

    private static final InheritableThreadLocal<String> CURRENT = new InheritableThreadLocal<>();

    private ServiceNames() {
    }

    /** The name of the service this thread works for, or {@code store} for the launcher's own threads. */
    public static String current() {
        String name = CURRENT.get();
        return name == null ? "store" : name;
    }

    /** Sets the service of this thread and of the threads it starts from now on. */
    public static void set(String name) {
        CURRENT.set(name);
    }

    /** Back to the launcher's own ({@code store}). */
    public static void clear() {
        CURRENT.remove();
    }
}
