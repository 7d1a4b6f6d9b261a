package eventshop.accounts.credentials;

import eventshop.accounts.credentials.CredentialChecks.Verified;
import eventshop.accounts.limits.ClientAddress;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /internal/credentials/verify}: edge's login check (role EDGE only; edge does not route
 * {@code /internal/**}). 401 {@code invalid-credentials} for an unknown address or a wrong password
 * alike, 403 {@code account-suspended} for a suspended account and {@code account-archived} for an archived one
 * (the check's {@link CredentialChecks.InvalidCredentials} and {@link CredentialChecks.AccountMayNotLogIn}), 429
 * {@code too-many-login-attempts} with {@code Retry-After} while the address or the client (the client address edge
 * names in its token) is blocked after failed logins.
 */
@RestController
@PreAuthorize("hasRole('EDGE')")
public class CredentialsController {

    public record VerifyRequest(@NotNull @Size(max = 1024) String email, @NotNull @Size(max = 1024) String password) {
        @Override
        public String toString() {
            return "VerifyRequest[]";
        }
    }

    private final CredentialChecks checks;

    public CredentialsController(CredentialChecks checks) {
        this.checks = checks;
    }

    @PostMapping("/internal/credentials/verify")
    public Verified verify(@Valid @RequestBody VerifyRequest request) {
        return checks.verify(request.email(), request.password(), ClientAddress.current());
    }
}
