package eventshop.eventsourcing.config;

import eventshop.eventstore.file.Durability;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code eventshop.*}: which service this is and where its event store lives.
 *
 * @param serviceName the service's name: its topic is {@code <serviceName>.events}, its tokens
 *                    {@code <serviceName>:<position>}
 * @param eventstore  the event store engine and its settings
 */
@ConfigurationProperties("eventshop")
public record EventSourcingProperties(String serviceName, EventStoreProperties eventstore) {

    public EventSourcingProperties {
        if (serviceName == null || serviceName.isBlank()) {
            serviceName = "app";
        }
        if (eventstore == null) {
            eventstore = new EventStoreProperties(null, null, null);
        }
    }

    /**
     * @param engine     {@code file} (default), {@code postgres}, {@code memory}, or {@code none} for an
     *                   application that keeps no log (no event store, nothing that hangs on one)
     * @param directory  the file engine's data directory (default {@code data/<serviceName>/eventstore})
     * @param durability the file engine's durability (default FSYNC)
     */
    public record EventStoreProperties(String engine, Path directory, Durability durability) {
        public EventStoreProperties {
            engine = engine == null ? "file" : engine;
            durability = durability == null ? Durability.FSYNC : durability;
        }
    }
}
