package eventshop.eventstore.file;

/**
 * What a {@link CrashingAppender} prints after an append was acknowledged: the batch, the
 * {@code AppendResult} it got and a digest of the events it sent. One line per ack; the trailing
 * {@value #END} marks a line that was written completely before the process was killed.
 */
record CrashAck(CrashBatch batch, long streamVersion, long lastPosition, String hash) {

    static final String PREFIX = "ACK";
    static final String END = "END";

    String line() {
        return String.join(" ", PREFIX, batch.stream(), Long.toString(batch.first()), Integer.toString(batch.size()),
                Long.toHexString(batch.nonce()), Long.toString(streamVersion), Long.toString(lastPosition), hash, END);
    }

    /** The ack a complete line describes, or null for any other line (including one cut short by the kill). */
    static CrashAck parse(String line) {
        String[] parts = line.split(" ");
        if (parts.length != 9 || !parts[0].equals(PREFIX) || !parts[8].equals(END)) {
            return null;
        }
        CrashBatch batch = new CrashBatch(parts[1], Long.parseLong(parts[2]), Integer.parseInt(parts[3]),
                Long.parseUnsignedLong(parts[4], 16));
        return new CrashAck(batch, Long.parseLong(parts[5]), Long.parseLong(parts[6]), parts[7]);
    }
}
