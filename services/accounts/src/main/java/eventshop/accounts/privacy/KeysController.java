package eventshop.accounts.privacy;

import eventshop.accounts.Accounts;
import eventshop.eventsourcing.privacy.JdbcSubjectKeys;
import eventshop.eventsourcing.privacy.PrivacyErrors.SubjectForgotten;
import eventshop.eventsourcing.privacy.RemoteSubjectKeys.KeyView;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A data subject's key, for the other services that seal or open its personal data
 * ({@code RemoteSubjectKeys}): {@code GET /internal/privacy/keys/{subject}?create=true|false} → 200
 * {@code {subject,key}}, 404 (no key and {@code create=false}, or not an account id), 410 (forgotten). Only a service
 * calling as itself may ask (role {@code SERVICE}, on a token it minted for itself, which edge never mints for a
 * person): a customer's or an administrator's token is 403, none 401; and edge does not route {@code /internal/**}.
 * Hidden from the OpenAPI description.
 */
@RestController
@PreAuthorize("hasRole('SERVICE')")
@Hidden
public class KeysController {

    private final JdbcSubjectKeys keys;

    public KeysController(JdbcSubjectKeys keys) {
        this.keys = keys;
    }

    @GetMapping("/internal/privacy/keys/{subject}")
    public ResponseEntity<?> key(@PathVariable String subject, @RequestParam(defaultValue = "false") boolean create) {
        if (!Accounts.isAccountId(subject)) {
            return problem(HttpStatus.NOT_FOUND, "not a data subject");
        }
        if (keys.forgotten(subject)) { // asked of the database, not of a cached key: another instance may have forgotten it
            return problem(HttpStatus.GONE, "the subject was forgotten");
        }
        try {
            Optional<SecretKey> key = create ? Optional.of(keys.obtain(subject)) : keys.find(subject);
            if (key.isEmpty()) {
                return problem(HttpStatus.NOT_FOUND, "the subject has no key");
            }
            return ResponseEntity.ok(new KeyView(subject, Base64.getEncoder().encodeToString(key.get().getEncoded())));
        } catch (SubjectForgotten forgotten) {
            return problem(HttpStatus.GONE, "the subject was forgotten");
        }
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, detail));
    }
}
