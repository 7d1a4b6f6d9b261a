package eventshop.eventstore.postgres;

import eventshop.eventstore.InvalidRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Settings of a {@link PostgresEventStore}: where the database is, which schema holds this
 * service's log, and how the store talks to it.
 *
 * <p>Read from configuration with {@link #fromProperties(Function)}, which knows these keys (the
 * names the Spring starter uses; {@code eventshop.eventstore.engine=postgres} selects this engine):
 * <pre>
 * eventshop.eventstore.postgres.url            JDBC URL, e.g. jdbc:postgresql://db:5432/orders (required)
 * eventshop.eventstore.postgres.user           user name (optional if the URL carries it)
 * eventshop.eventstore.postgres.password       password (optional)
 * eventshop.eventstore.postgres.schema         schema of this service's log (default "eventstore")
 * eventshop.eventstore.postgres.pool-size      most pooled connections (default 16)
 * eventshop.eventstore.postgres.poll-interval  fallback polling period, e.g. 500ms or PT0.5S (default 500ms)
 * eventshop.eventstore.postgres.listen         whether to LISTEN for new events (default true)
 * </pre>
 *
 * @param jdbcUrl      JDBC URL of the database; null when the store is given a {@code DataSource}
 * @param user         user name, or null to leave it to the URL or the driver
 * @param password     password, or null
 * @param schema       the schema of this log: lower-case letters, digits and '_', starting with a
 *                     letter or '_', at most 48 characters; created and migrated on open
 * @param maxPoolSize  most connections of the pool the store creates for a JDBC URL (ignored for a
 *                     given {@code DataSource}); the store holds two more of its own (sequencer and listener)
 * @param pollInterval how often the store looks for new events and stray unsequenced rows even
 *                     without a notification; bounds how late a subscriber learns of an event if
 *                     notifications are lost
 * @param listen       whether to LISTEN for notifications of new events (polling alone if false)
 */
public record PostgresEventStoreOptions(String jdbcUrl, String user, String password, String schema,
                                        int maxPoolSize, Duration pollInterval, boolean listen) {

    /** Prefix of the configuration keys. */
    public static final String PREFIX = "eventshop.eventstore.postgres.";
    /** The schema used when none is configured. */
    public static final String DEFAULT_SCHEMA = "eventstore";

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,47}");

    public PostgresEventStoreOptions {
        if (schema == null || !SCHEMA.matcher(schema).matches() || schema.startsWith("pg_")) {
            throw new InvalidRequest("schema must be 1 to 48 of [a-z0-9_], start with a letter or '_' and not with"
                    + " 'pg_', was " + schema);
        }
        if (maxPoolSize < 1) {
            throw new InvalidRequest("maxPoolSize must be at least 1, was " + maxPoolSize);
        }
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new InvalidRequest("pollInterval must be positive");
        }
    }

    /** Defaults for a database at {@code jdbcUrl}: schema "eventstore", 16 connections, polling every 500 ms, LISTEN on. */
    public static PostgresEventStoreOptions forUrl(String jdbcUrl, String user, String password) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new InvalidRequest("a PostgreSQL JDBC URL (jdbc:postgresql:...) is required, was " + jdbcUrl);
        }
        return new PostgresEventStoreOptions(jdbcUrl, user, password, DEFAULT_SCHEMA, 16, Duration.ofMillis(500),
                true);
    }

    /** Defaults for use with a given {@code DataSource}. */
    public static PostgresEventStoreOptions forDataSource() {
        return new PostgresEventStoreOptions(null, null, null, DEFAULT_SCHEMA, 16, Duration.ofMillis(500), true);
    }

    /**
     * Options from configuration keys (see the class comment), looked up with {@code property}, which
     * returns null for a key that is not set, as Spring's {@code Environment::getProperty} does.
     *
     * @throws InvalidRequest if the URL is missing or a value does not parse
     */
    public static PostgresEventStoreOptions fromProperties(Function<String, String> property) {
        Objects.requireNonNull(property, "property");
        PostgresEventStoreOptions options = forUrl(property.apply(PREFIX + "url"), property.apply(PREFIX + "user"),
                property.apply(PREFIX + "password"));
        String schema = property.apply(PREFIX + "schema");
        if (schema != null) {
            options = options.withSchema(schema.trim());
        }
        String poolSize = property.apply(PREFIX + "pool-size");
        if (poolSize != null) {
            try {
                options = options.withMaxPoolSize(Integer.parseInt(poolSize.trim()));
            } catch (NumberFormatException e) {
                throw new InvalidRequest(PREFIX + "pool-size is not a number: " + poolSize);
            }
        }
        String poll = property.apply(PREFIX + "poll-interval");
        if (poll != null) {
            options = options.withPollInterval(duration(PREFIX + "poll-interval", poll.trim()));
        }
        String listen = property.apply(PREFIX + "listen");
        if (listen != null) {
            options = options.withListen(Boolean.parseBoolean(listen.trim()));
        }
        return options;
    }

    /** {@link #fromProperties(Function)} over a map. */
    public static PostgresEventStoreOptions fromProperties(Map<String, String> properties) {
        return fromProperties(properties::get);
    }

    private static Duration duration(String key, String value) {
        try {
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2).trim()));
            }
            if (value.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1).trim()));
            }
            return Duration.parse(value);
        } catch (RuntimeException e) {
            throw new InvalidRequest(key + " is not a duration (500ms, 2s or ISO-8601 such as PT0.5S): " + value);
        }
    }

    public PostgresEventStoreOptions withSchema(String schema) {
        return new PostgresEventStoreOptions(jdbcUrl, user, password, schema, maxPoolSize, pollInterval, listen);
    }

    public PostgresEventStoreOptions withMaxPoolSize(int maxPoolSize) {
        return new PostgresEventStoreOptions(jdbcUrl, user, password, schema, maxPoolSize, pollInterval, listen);
    }

    public PostgresEventStoreOptions withPollInterval(Duration pollInterval) {
        return new PostgresEventStoreOptions(jdbcUrl, user, password, schema, maxPoolSize, pollInterval, listen);
    }

    public PostgresEventStoreOptions withListen(boolean listen) {
        return new PostgresEventStoreOptions(jdbcUrl, user, password, schema, maxPoolSize, pollInterval, listen);
    }

    /** The notification channel of this schema's log. */
    String channel() {
        return "eventstore_" + schema;
    }

    @Override
    public String toString() {
        return "PostgresEventStoreOptions[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password="
                + (password == null ? "null" : "***") + ", schema=" + schema + ", maxPoolSize=" + maxPoolSize
                + ", pollInterval=" + pollInterval + ", listen=" + listen + "]";
    }
}
