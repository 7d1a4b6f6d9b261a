package eventshop.eventsourcing.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code eventshop.security.*}: the secret edge signs its tokens with (base64, at least 32 bytes;
 * the same for edge and every service), the previous secrets that still verify during a rotation's overlap
 * (comma-separated, may be empty), and a switch for the whole filter chain.
 */
@ConfigurationProperties("eventshop.security")
public record ServiceSecurityProperties(Boolean enabled, String tokenSecret, String previousTokenSecrets) {

    public ServiceSecurityProperties {
        enabled = enabled == null || enabled;
    }
}
