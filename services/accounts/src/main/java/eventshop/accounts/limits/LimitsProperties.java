package eventshop.accounts.limits;

import eventshop.accounts.limits.domain.LoginFailures;
import eventshop.accounts.limits.domain.RegistrationQuota;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code eventshop.accounts.limits.*}: how much guessing and registering the accounts service lets through.
 *
 * Defaults here are the fallbacks; {@code accounts.yml} sets every value.
 *
 * @param loginPerEmail           failed logins with one e-mail address (accounts.yml: the fifth within an hour of
 *                                the one before blocks it 30 s, each further failure twice as long, up to 15 min)
 * @param loginPerClient          failed logins from one client address, whatever the e-mail addresses (accounts.yml:
 *                                20, then the same blocks; higher, since a household or an office shares an address)
 * @param registrationsPerClient  registrations from one client address: 20 an hour
 * @param newCodeInterval         a new confirmation code at most once a minute per account
 */
@ConfigurationProperties("eventshop.accounts.limits")
public record LimitsProperties(
        @DefaultValue Login loginPerEmail,
        @DefaultValue Login loginPerClient,
        @DefaultValue Registrations registrationsPerClient,
        @DefaultValue("60s") Duration newCodeInterval) {

    /** Failed logins under one key: see {@link LoginFailures.Policy}. */
    public record Login(@DefaultValue("5") int threshold, @DefaultValue("1h") Duration window,
                        @DefaultValue("30s") Duration firstBlock, @DefaultValue("15m") Duration maxBlock) {

        public LoginFailures.Policy policy() {
            return new LoginFailures.Policy(threshold, window, firstBlock, maxBlock);
        }
    }

    /** At most {@code limit} registrations in any {@code window}: see {@link RegistrationQuota.Policy}. */
    public record Registrations(@DefaultValue("20") int limit, @DefaultValue("1h") Duration window) {

        public RegistrationQuota.Policy policy() {
            return new RegistrationQuota.Policy(limit, window);
        }
    }
}
