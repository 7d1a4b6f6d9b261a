package eventshop.eventsourcing.projection;

import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A test projection: {@code Deposited} events ({@code account:amount}) folded into per-account
 * balances, plus one entry row per event (primary key = position, so a double apply cannot hide).
 * Hooks let tests make it fail once, reject a poison event, or pause.
 */
final class Ledger implements Projection {

    /** Per account: the sum of amounts and the number of deposits. */
    record Balance(long total, long deposits) {
    }

    private final int version;
    private volatile long failOnceAt = -1;
    private volatile boolean rejectPoison = true;
    private volatile CountDownLatch gate;
    final AtomicInteger thrown = new AtomicInteger();

    Ledger() {
        this(1);
    }

    Ledger(int version) {
        this.version = version;
    }

    @Override
    public String name() {
        return "ledger";
    }

    @Override
    public int version() {
        return version;
    }

    @Override
    public List<String> tables() {
        return List.of("balances", "entries");
    }

    @Override
    public void create(Tables tables, JdbcTemplate jdbc) {
        jdbc.execute(tables.sql("CREATE TABLE {balances} (account VARCHAR(64) PRIMARY KEY, total BIGINT NOT NULL,"
                + " deposits BIGINT NOT NULL)"));
        jdbc.execute(tables.sql("CREATE TABLE {entries} (log_position BIGINT PRIMARY KEY, account VARCHAR(64) NOT NULL,"
                + " amount BIGINT NOT NULL)"));
        jdbc.execute("CREATE INDEX " + tables.name("entries") + "_by_account ON " + tables.name("entries")
                + " (account)");
    }

    @Override
    public void apply(RecordedEvent event, Tables tables, JdbcTemplate jdbc) {
        CountDownLatch paused = gate;
        if (paused != null) {
            try {
                paused.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (!event.type().equals("Deposited")) {
            return;
        }
        String[] data = new String(event.data(), StandardCharsets.UTF_8).split(":");
        String account = data[0];
        long amount = Long.parseLong(data[1]);
        if (account.equals("poison") && rejectPoison) {
            throw new IllegalArgumentException("cannot apply a deposit to account 'poison'");
        }
        jdbc.update(tables.sql("INSERT INTO {entries} (log_position, account, amount) VALUES (?, ?, ?)"),
                event.position(), account, amount);
        int updated = jdbc.update(tables.sql("UPDATE {balances} SET total = total + ?, deposits = deposits + 1"
                + " WHERE account = ?"), amount, account);
        if (updated == 0) {
            jdbc.update(tables.sql("INSERT INTO {balances} (account, total, deposits) VALUES (?, ?, 1)"), account,
                    amount);
        }
        if (event.position() == failOnceAt) {
            failOnceAt = -1;
            thrown.incrementAndGet();
            throw new IllegalStateException("simulated crash after writing position " + event.position());
        }
    }

    /** Throws once, after writing, when applying the event at {@code position}. */
    void failOnceAfterWriting(long position) {
        failOnceAt = position;
    }

    void acceptPoison() {
        rejectPoison = false;
    }

    /** Blocks every apply from now on until {@link #resume}. */
    void pause() {
        gate = new CountDownLatch(1);
    }

    void resume() {
        CountDownLatch paused = gate;
        gate = null;
        if (paused != null) {
            paused.countDown();
        }
    }

    // ------------------------------------------------------------ test helpers

    /** Appends one deposit; returns its log position. */
    static long deposit(EventStore store, String account, long amount) {
        return store.append("account-" + account, ExpectedVersion.any(), List.of(event(account, amount))).position();
    }

    /** Appends {@code count} deposits in batches of 10 over a few accounts; returns the last position. */
    static long deposits(EventStore store, int count) {
        long last = -1;
        for (int i = 0; i < count; i += 10) {
            List<EventData> batch = new ArrayList<>();
            for (int j = i; j < Math.min(count, i + 10); j++) {
                batch.add(event("a" + (j % 7), j % 13 + 1));
            }
            last = store.append("account-a" + (i / 10 % 7), ExpectedVersion.any(), batch).position();
        }
        return last;
    }

    static EventData event(String account, long amount) {
        return new EventData(UUID.randomUUID(), "Deposited", (account + ":" + amount).getBytes(StandardCharsets.UTF_8),
                Metadata.EMPTY);
    }

    /** What a fresh fold of the whole log gives. */
    static Map<String, Balance> fold(EventStore store) {
        Map<String, Balance> balances = new TreeMap<>();
        store.readAll(0, eventshop.eventstore.Limits.MAX_READ_LIMIT).toIterable().forEach(event -> {
            String[] data = new String(event.data(), StandardCharsets.UTF_8).split(":");
            balances.merge(data[0], new Balance(Long.parseLong(data[1]), 1),
                    (a, b) -> new Balance(a.total() + b.total(), a.deposits() + b.deposits()));
        });
        return balances;
    }

    /** The balances as the read model holds them in {@code tables}. */
    static Map<String, Balance> balances(JdbcTemplate jdbc, Tables tables) {
        Map<String, Balance> balances = new TreeMap<>();
        jdbc.query(tables.sql("SELECT account, total, deposits FROM {balances}"),
                rs -> {
                    balances.put(rs.getString(1), new Balance(rs.getLong(2), rs.getLong(3)));
                });
        return balances;
    }

    static long entries(JdbcTemplate jdbc, Tables tables) {
        return jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {entries}"), Long.class);
    }
}
