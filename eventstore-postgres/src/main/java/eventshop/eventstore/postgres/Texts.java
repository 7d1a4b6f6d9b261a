package eventshop.eventstore.postgres;

/**
 * Makes any Java string storable in a PostgreSQL {@code text} column, which cannot hold U+0000.
 * Strings without U+0000 and U+0001 (all ordinary ones) are stored unchanged, so the tables stay
 * readable; U+0001 is stored as U+0001 U+0001 and U+0000 as U+0001 U+0002. The mapping is
 * one-to-one, so equality (stream ids as keys) is preserved.
 */
final class Texts {

    private static final char ESCAPE = '\u0001';

    private Texts() {
    }

    static String encode(String value) {
        int i = 0;
        while (i < value.length() && value.charAt(i) > ESCAPE) {
            i++;
        }
        if (i == value.length()) {
            return value;
        }
        StringBuilder escaped = new StringBuilder(value.length() + 8).append(value, 0, i);
        for (; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\u0000') {
                escaped.append(ESCAPE).append('\u0002');
            } else if (c == ESCAPE) {
                escaped.append(ESCAPE).append(ESCAPE);
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    static String decode(String stored) {
        int i = stored.indexOf(ESCAPE);
        if (i < 0) {
            return stored;
        }
        StringBuilder plain = new StringBuilder(stored.length()).append(stored, 0, i);
        for (; i < stored.length(); i++) {
            char c = stored.charAt(i);
            if (c == ESCAPE && i + 1 < stored.length()) {
                plain.append(stored.charAt(++i) == ESCAPE ? ESCAPE : '\u0000');
            } else {
                plain.append(c);
            }
        }
        return plain.toString();
    }
}
