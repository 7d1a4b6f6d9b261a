package eventshop.accounts.registration;

import java.security.SecureRandom;
import org.springframework.stereotype.Component;

/** Makes the six-digit codes that confirmation messages carry. Thread-safe. */
@Component
public class ConfirmationCodes {

    private final SecureRandom random = new SecureRandom();

    public String next() {
        return String.format("%06d", random.nextInt(1_000_000));
    }
}
