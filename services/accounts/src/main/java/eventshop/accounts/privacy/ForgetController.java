package eventshop.accounts.privacy;

import eventshop.accounts.Accounts;
import eventshop.accounts.domain.AccountErrors.AccountNotFound;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandResult;
import eventshop.eventsourcing.security.EdgeUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Crypto-shredding over HTTP ({@link Forgetting}):
 * <ul>
 *   <li>{@code DELETE /api/accounts/me} {@code {password}}: a customer (or administrator) forgets their own account;
 *       a wrong password is 422 {@code wrong-password} and changes nothing;</li>
 *   <li>{@code POST /api/accounts/{id}/forget}: an administrator forgets an account.</li>
 * </ul>
 * Both answer 204 with the {@code Consistency-Token} of {@code AccountForgotten}; forgetting a forgotten account is 204
 * again and changes nothing; the last administrator is 409 {@code last-administrator}.
 */
@RestController
public class ForgetController {

    public record ForgetRequest(@NotNull @Size(max = 128) String password) {
        @Override
        public String toString() {
            return "ForgetRequest[password=***]";
        }
    }

    private final Forgetting forgetting;

    public ForgetController(Forgetting forgetting) {
        this.forgetting = forgetting;
    }

    @DeleteMapping("/api/accounts/me")
    @PreAuthorize("hasAnyRole('CUSTOMER', 'ADMIN')")
    public ResponseEntity<Void> forgetMe(EdgeUser caller, @Valid @RequestBody ForgetRequest request) {
        return done(forgetting.forgetMe(caller.id(), request.password()));
    }

    @PostMapping("/api/accounts/{accountId}/forget")
    @PreAuthorize("hasRole('ADMIN')")
    public ResponseEntity<Void> forget(@PathVariable String accountId, EdgeUser caller) {
        if (!Accounts.isAccountId(accountId)) {
            throw new AccountNotFound();
        }
        return done(forgetting.forget(accountId, caller.id()));
    }

    private static ResponseEntity<Void> done(CommandResult<AccountEvent> result) {
        return ResponseEntity.noContent().header(ConsistencyToken.HEADER, result.token().toString()).build();
    }
}
