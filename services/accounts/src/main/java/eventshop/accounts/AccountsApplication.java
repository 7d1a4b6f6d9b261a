package eventshop.accounts;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The accounts service: customers and administrators, their lifecycle, addresses and saved cards. */
@SpringBootApplication
public class AccountsApplication {

    /** The application with its own configuration file ({@code accounts.yml}), for the launcher too. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(AccountsApplication.class).properties("spring.config.name=accounts");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
