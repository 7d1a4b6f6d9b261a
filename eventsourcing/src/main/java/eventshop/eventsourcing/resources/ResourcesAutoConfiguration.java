package eventshop.eventsourcing.resources;

import eventshop.eventsourcing.config.EventSourcingAutoConfiguration;
import eventshop.eventstore.EventStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/**
 * The services' resources: the {@link EventLog} every {@code .../events} endpoint answers from, in every service
 * that keeps a log. The HAL rendering of {@link Resource}s is Spring Boot's (spring-boot-starter-hateoas).
 */
@AutoConfiguration(after = EventSourcingAutoConfiguration.class)
@ConditionalOnBean(EventStore.class)
public class ResourcesAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public EventLog eventLog(EventStore store, ObjectProvider<JsonMapper> json) {
        return new EventLog(store, json.getIfAvailable(() -> JsonMapper.builder().build()));
    }
}
