package eventshop.eventsourcing.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code eventshop.security.*}: the secret edge signs its tokens with (base64, at least 32 bytes;
 * the same for edge and every service), and a switch for the whole filter chain.
 */
@ConfigurationProperties("eventshop.security")
public record ServiceSecurityProperties(Boolean enabled, String tokenSecret) {

    public ServiceSecurityProperties {
        enabled = enabled == null || enabled;
    }
}
