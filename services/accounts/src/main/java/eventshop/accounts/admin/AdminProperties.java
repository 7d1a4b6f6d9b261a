package eventshop.accounts.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code eventshop.accounts.admin.*}: the administrator account ensured at start.
 *
 * @param email    its e-mail address (default admin@example.com)
 * @param password its password when it is created; blank = ensure no administrator at all
 * @param name     its display name
 */
@ConfigurationProperties("eventshop.accounts.admin")
public record AdminProperties(String email, String password, String name) {

    public AdminProperties {
        email = email == null || email.isBlank() ? "admin@example.com" : email;
        name = name == null || name.isBlank() ? "Administrator" : name;
    }

    boolean enabled() {
        return password != null && !password.isBlank();
    }

    @Override
    public String toString() {
        return "AdminProperties[email=" + email + ", name=" + name + ", password=" + (enabled() ? "<set>" : "<unset>") + "]";
    }
}
