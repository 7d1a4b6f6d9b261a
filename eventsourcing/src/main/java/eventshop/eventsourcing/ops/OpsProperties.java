package eventshop.eventsourcing.ops;

import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code eventshop.ops.*}: the operations console's settings in a service.
 *
 * @param personalFields the JSON field names masked in the console ({@link PersonalData#DEFAULT_FIELDS} by default)
 */
@ConfigurationProperties(prefix = "eventshop.ops")
public record OpsProperties(Set<String> personalFields) {

    public OpsProperties {
        personalFields = personalFields == null || personalFields.isEmpty() ? PersonalData.DEFAULT_FIELDS
                : Set.copyOf(personalFields);
    }
}
