package eventshop.eventstore.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventData;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.StorageUnavailable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The database out of reach under the PostgreSQL engine: appends and reads fail with the same typed
 * {@link StorageUnavailable} as the file engine's failing disk (so the API answers 503 for both), and
 * the store works again once the database is back, without a reopen.
 */
class DatabaseOutageTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final AtomicBoolean down = new AtomicBoolean();
    private final Set<Integer> served = ConcurrentHashMap.newKeySet();

    /** The test server as the store sees it: while {@code down}, new connections are refused as by a stopped server. */
    private DataSource switchable() {
        DataSource real = TestDatabase.dataSource();
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && down.get()) {
                        throw new SQLException("Connection to localhost refused", "08001");
                    }
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (result instanceof Connection connection) {
                        try (Statement statement = connection.createStatement();
                             ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
                            pid.next();
                            served.add(pid.getInt(1));
                        }
                    }
                    return result;
                });
    }

    @Test
    void appendsAndReadsFailTyped_whileTheDatabaseIsOutOfReach_andWorkAgainWhenItIsBack() {
        try (PostgresEventStore store = PostgresEventStore.open(switchable(), TestDatabase.freshOptions())) {
            // given a stored event
            store.append("cart-1", ExpectedVersion.noStream(), List.of(event()));

            // when the database goes: every connection it served is cut, new ones are refused
            down.set(true);
            for (int pid : served) {
                TestDatabase.execute("SELECT pg_terminate_backend(" + pid + ")");
            }

            // then appends and reads fail with StorageUnavailable
            assertThatThrownBy(() -> store.append("cart-1", ExpectedVersion.exactly(0), List.of(event())))
                    .isInstanceOf(StorageUnavailable.class).hasMessageContaining("cannot be reached");
            assertThatThrownBy(() -> store.append("cart-2", ExpectedVersion.noStream(), List.of(event())))
                    .isInstanceOf(StorageUnavailable.class);
            assertThatThrownBy(() -> store.read("cart-1", 0).collectList().block(PATIENCE))
                    .isInstanceOf(StorageUnavailable.class);

            // and once it is back, the store takes appends and serves reads again
            down.set(false);
            EventData next = event();
            assertThat(store.append("cart-1", ExpectedVersion.exactly(0), List.of(next)))
                    .isEqualTo(new AppendResult(1, 1));
            await().atMost(PATIENCE).until(() -> store.read("cart-1", 0).collectList().block(PATIENCE).size() == 2);
            assertThat(store.read("cart-1", 1).map(RecordedEvent::eventId).collectList().block(PATIENCE))
                    .containsExactly(next.eventId());
        }
    }

    private static EventData event() {
        return new EventData(UUID.randomUUID(), "Added", "{}".getBytes(), Metadata.EMPTY);
    }
}
