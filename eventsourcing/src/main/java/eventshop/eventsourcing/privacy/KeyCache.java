package eventshop.eventsourcing.privacy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;

/**
 * Subject keys kept in memory for a short while (never written anywhere), so that opening the dozen fields of a page
 * does not fetch the key a dozen times. An entry lives at most {@code ttl}; {@link #drop} removes one at once (the
 * subject was forgotten). Bounded: past {@code maxEntries} it starts over empty. Thread-safe.
 */
final class KeyCache {

    private record Entry(SecretKey key, Instant expires) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final Clock clock;
    private final int maxEntries;

    KeyCache(Duration ttl, Clock clock, int maxEntries) {
        this.ttl = ttl;
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    Optional<SecretKey> get(String subject) {
        Entry entry = entries.get(subject);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.expires())) {
            entries.remove(subject, entry);
            return Optional.empty();
        }
        return Optional.of(entry.key());
    }

    void put(String subject, SecretKey key) {
        if (ttl.isZero()) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(subject, new Entry(key, clock.instant().plus(ttl)));
    }

    void drop(String subject) {
        entries.remove(subject);
    }
}
