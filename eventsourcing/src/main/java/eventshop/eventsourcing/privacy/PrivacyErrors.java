package eventshop.eventsourcing.privacy;

/**
 * The typed failures of the privacy toolkit. None of them is thrown for a subject whose key was destroyed on
 * purpose: opening such a value gives {@link Sealing#ERASED}.
 */
public final class PrivacyErrors {

    private PrivacyErrors() {
    }

    /** {@code eventshop.privacy.master-key} is missing, not base64, or not 32 bytes: the service cannot start. */
    public static final class InvalidMasterKey extends IllegalStateException {
        public InvalidMasterKey(String reason) {
            super("eventshop.privacy.master-key " + reason
                    + " (the base64 of 32 random bytes; the launcher keeps one in <data>/secrets/master-key,"
                    + " the distributed topology takes EVENTSHOP_MASTER_KEY)");
        }
    }

    /**
     * The master key does not unwrap the keys stored in the database: it is not the key they were wrapped with
     * (a restored database with another data directory's secrets, a mistyped {@code EVENTSHOP_MASTER_KEY}). Thrown
     * at start, so a service never seals new data under one master key next to data it can no longer open.
     */
    public static final class WrongMasterKey extends IllegalStateException {
        public WrongMasterKey(String subject) {
            super("the master key does not unwrap the stored key of subject " + subject
                    + ": eventshop.privacy.master-key is not the key this database's subject keys were wrapped with");
        }
    }

    /** The subject was forgotten: it is never given a key again, so nothing can be sealed for it. */
    public static final class SubjectForgotten extends IllegalStateException {
        private final String subject;

        public SubjectForgotten(String subject) {
            super("subject " + subject + " was forgotten: nothing is sealed for it any more");
            this.subject = subject;
        }

        public String subject() {
            return subject;
        }
    }

    /**
     * A sealed value that its subject's key does not open: altered after it was sealed, moved to another subject's
     * prefix, or cut. Integrity failures are loud: a broken value is never shown as erased (which would hide
     * corruption) nor as anything else.
     */
    public static final class BrokenSeal extends IllegalStateException {
        public BrokenSeal(String subject, String why) {
            super("a value sealed for subject " + subject + " does not open: " + why);
        }
    }

    /** The key owner could not be asked for a subject's key (unreachable, refused): nothing is sealed or shown. */
    public static final class KeysUnavailable extends IllegalStateException {
        public KeysUnavailable(String why, Throwable cause) {
            super("the subject keys cannot be fetched: " + why, cause);
        }

        public KeysUnavailable(String why) {
            super("the subject keys cannot be fetched: " + why);
        }
    }
}
