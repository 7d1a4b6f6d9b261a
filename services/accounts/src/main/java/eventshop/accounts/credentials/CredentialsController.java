package eventshop.accounts.credentials;

import eventshop.accounts.credentials.CredentialChecks.AccountMayNotLogIn;
import eventshop.accounts.credentials.CredentialChecks.InvalidCredentials;
import eventshop.accounts.credentials.CredentialChecks.Verified;
import eventshop.accounts.domain.AccountStatus;
import eventshop.eventsourcing.web.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /internal/credentials/verify}: edge's login check (role EDGE only; edge does not route
 * {@code /internal/**}). 401 {@code invalid-credentials} for an unknown address or a wrong password
 * alike, 403 {@code account-suspended} for a suspended account and {@code account-archived} for an archived one.
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
        return checks.verify(request.email(), request.password());
    }

    @ExceptionHandler(InvalidCredentials.class)
    public ResponseEntity<ProblemDetail> invalid(InvalidCredentials error) {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Problems.problem(HttpStatus.UNAUTHORIZED,
                "invalid-credentials", "Invalid credentials", error.getMessage()));
    }

    @ExceptionHandler(AccountMayNotLogIn.class)
    public ResponseEntity<ProblemDetail> mayNotLogIn(AccountMayNotLogIn error) {
        boolean archived = error.status() == AccountStatus.ARCHIVED;
        return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Problems.problem(HttpStatus.FORBIDDEN,
                archived ? "account-archived" : "account-suspended",
                archived ? "Account archived" : "Account suspended", error.getMessage()));
    }
}
