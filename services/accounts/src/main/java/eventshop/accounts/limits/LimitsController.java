package eventshop.accounts.limits;

import eventshop.accounts.Accounts;
import eventshop.accounts.domain.AccountErrors.AccountNotFound;
import eventshop.accounts.domain.EmailAddress;
import eventshop.accounts.limits.Limits.LoginFailuresView;
import eventshop.contracts.accounts.AccountEvent.AccountRegistered;
import eventshop.eventsourcing.privacy.Sealing;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventsourcing.web.InvalidField;
import eventshop.eventsourcing.web.Problems;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Administrators: the failed logins with an account's e-mail address and from a client address, and clearing them
 * (which lifts a block at once). Clearing is recorded ({@code LoginFailuresCleared}, by whom) like every other
 * command; the failures, with the client addresses they came from, are also in the operations console's stream
 * view ({@code login-failures-...} streams).
 */
@RestController
@RequestMapping("/api/accounts")
@PreAuthorize("hasRole('ADMIN')")
public class LimitsController {

    private final Accounts accounts;
    private final Limits limits;
    private final Sealing sealing;

    public LimitsController(Accounts accounts, Limits limits, Sealing sealing) {
        this.accounts = accounts;
        this.limits = limits;
        this.sealing = sealing;
    }

    /** The failed logins with the account's e-mail address; 404 for no such account. */
    @GetMapping("/{accountId}/login-failures")
    public LoginFailuresView accountLoginFailures(@PathVariable String accountId) {
        return limits.loginFailures(email(accountId));
    }

    /** Forgets the failed logins with the account's e-mail address (204), lifting its block. */
    @DeleteMapping("/{accountId}/login-failures")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void clearAccountLoginFailures(@PathVariable String accountId, EdgeUser caller) {
        limits.clear(email(accountId), caller.id());
    }

    /** The failed logins from a client address (an IPv6 address stands for its /64). */
    @GetMapping("/login-failures/clients/{address}")
    public LoginFailuresView clientLoginFailures(@PathVariable String address) {
        return limits.loginFailures(client(address));
    }

    /** Forgets the failed logins from a client address (204), lifting its block. */
    @DeleteMapping("/login-failures/clients/{address}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void clearClientLoginFailures(@PathVariable String address, EdgeUser caller) {
        limits.clear(client(address), caller.id());
    }

    /** The account's address (stored sealed: opened here); a forgotten account has none any more (404). */
    private EmailAddress email(String accountId) {
        String email = sealing.open(accounts.registration(accountId).map(AccountRegistered::email)
                .orElseThrow(AccountNotFound::new));
        if (Sealing.ERASED.equals(email)) {
            throw new AccountNotFound();
        }
        return EmailAddress.parse(email);
    }

    private static ClientAddress client(String address) {
        return ClientAddress.of(address).orElseThrow(() -> new ErrorResponseException(HttpStatus.BAD_REQUEST,
                Problems.invalidFields(List.of(new InvalidField("address", InvalidField.PATH,
                        "must be an IPv4 or IPv6 address"))), null));
    }
}
