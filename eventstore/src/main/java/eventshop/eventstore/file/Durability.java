package eventshop.eventstore.file;

/** When the file engine forces appended events to stable storage before acknowledging them. */
public enum Durability {
    /**
     * Acknowledge an append only after an fsync covering it has completed. Appends waiting at the
     * same time share one fsync (group commit). The default.
     */
    FSYNC,
    /**
     * Acknowledge after the write to the operating system; fsync every
     * {@link FileEventStoreOptions#fsyncInterval()}. A machine crash may lose that window; a
     * process crash loses nothing.
     */
    INTERVAL,
    /** Acknowledge after the write to the operating system; fsync only at segment roll and close. */
    NONE
}
