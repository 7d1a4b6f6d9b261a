package eventshop.accounts.registration;

import eventshop.accounts.registration.Registrations.Registered;
import eventshop.accounts.registration.Registrations.Registration;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.security.EdgeUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import eventshop.accounts.limits.ClientAddress;
import java.net.URI;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/accounts}: anyone, the anonymous caller included, registers a customer account. The password
 * must have 8 to 128 characters (400 {@code invalid-fields}) and not be one of the most common ones (422
 * {@code common-password}); registrations from one client address are limited (429 {@code too-many-registrations}
 * with {@code Retry-After}), except an administrator's.
 */
@RestController
public class RegistrationController {

    /** What a customer registers with. */
    public record RegisterRequest(@NotBlank @Size(max = 254) String email,
                                  @NotBlank @Size(max = 200) String name,
                                  @NotNull @Size(min = 8, max = 128) String password) {
        @Override
        public String toString() {
            return "RegisterRequest[name=" + name + "]";
        }
    }

    public record RegisterResponse(String accountId) {
    }

    private final Registrations registrations;

    public RegistrationController(Registrations registrations) {
        this.registrations = registrations;
    }

    @PostMapping("/api/accounts")
    @ResponseStatus(HttpStatus.CREATED)
    public ResponseEntity<RegisterResponse> register(@Valid @RequestBody RegisterRequest request, EdgeUser caller) {
        // an administrator registering someone is not counted against the quota of the address they work from
        Optional<ClientAddress> client = caller.hasRole(EdgeToken.ADMIN) ? Optional.empty() : ClientAddress.current();
        Registered registered = registrations.register(
                new Registration(request.email(), request.name(), request.password(), EdgeToken.CUSTOMER), caller.id(),
                client);
        return ResponseEntity.created(URI.create("/api/accounts/" + registered.accountId()))
                .header(ConsistencyToken.HEADER, registered.token().toString())
                .body(new RegisterResponse(registered.accountId()));
    }
}
