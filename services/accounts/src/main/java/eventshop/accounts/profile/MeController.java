package eventshop.accounts.profile;

import eventshop.accounts.Accounts;
import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.AccountErrors.AccountNotFound;
import eventshop.accounts.profile.AccountProfiles.Card;
import eventshop.accounts.profile.AccountProfiles.Profile;
import eventshop.contracts.Address;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandResult;
import eventshop.eventsourcing.security.EdgeUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.YearMonth;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's own account ({@code /api/accounts/me}): profile, confirmation, address and cards. There
 * is no way to name another account here; the account is always the one the token names.
 */
@RestController
@RequestMapping("/api/accounts/me")
@PreAuthorize("hasAnyRole('CUSTOMER', 'ADMIN')")
public class MeController {

    public record ConfirmRequest(@NotBlank @Size(max = 32) String code) {
    }

    public record AddressRequest(@NotBlank @Size(max = Account.MAX_ADDRESS_NAME) String name,
                                 @NotBlank @Size(max = Account.MAX_ADDRESS_LINE) String line1,
                                 @Size(max = Account.MAX_ADDRESS_LINE) String line2,
                                 @NotBlank @Size(max = Account.MAX_CITY) String city,
                                 @NotBlank @Size(max = Account.MAX_POSTAL_CODE) String postalCode,
                                 @NotBlank @Size(max = Account.MAX_COUNTRY) String country) {
    }

    public record CardRequest(@NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9_-]+") String cardToken,
                              @NotBlank @Size(max = 16) String brand,
                              @NotBlank @Pattern(regexp = "[0-9]{4}") String last4,
                              @NotNull @Min(1) @Max(12) Integer expMonth,
                              @NotNull @Min(2000) @Max(2200) Integer expYear) {
    }

    private final Accounts accounts;
    private final AccountProfiles profiles;
    private final Clock clock;

    public MeController(Accounts accounts, AccountProfiles profiles, Clock clock) {
        this.accounts = accounts;
        this.profiles = profiles;
        this.clock = clock;
    }

    @GetMapping
    public Profile me(EdgeUser caller,
                      @RequestHeader(name = ConsistencyToken.HEADER, required = false) String consistencyToken) {
        return profiles.profile(caller.id(), consistencyToken).orElseThrow(AccountNotFound::new);
    }

    /**
     * Confirms with the code from the confirmation message. The account shows PENDING until the
     * account-lifecycle function activates it ({@code ActivateAccount} on {@code accounts.commands}).
     */
    @PostMapping("/confirm")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public ResponseEntity<Void> confirm(EdgeUser caller, @Valid @RequestBody ConfirmRequest request) {
        return done(accounts.confirm(caller.id(), new Account.Confirm(request.code()), caller.id()));
    }

    @PutMapping("/address")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public ResponseEntity<Void> changeAddress(EdgeUser caller, @Valid @RequestBody AddressRequest request) {
        Address address = new Address(request.name(), request.line1(), request.line2() == null ? "" : request.line2(),
                request.city(), request.postalCode(), request.country());
        return done(accounts.handle(caller.id(), new Account.ChangeAddress(address), caller.id()));
    }

    @PostMapping("/cards")
    @ResponseStatus(HttpStatus.CREATED)
    public ResponseEntity<Card> saveCard(EdgeUser caller, @Valid @RequestBody CardRequest request) {
        CommandResult<AccountEvent> result = accounts.handle(caller.id(), new Account.SaveCard(request.cardToken(),
                request.brand(), request.last4(), request.expMonth(), request.expYear(), YearMonth.now(clock)),
                caller.id());
        return ResponseEntity.status(HttpStatus.CREATED).header(ConsistencyToken.HEADER, result.token().toString())
                .body(new Card(request.cardToken(), request.brand(), request.last4(), request.expMonth(),
                        request.expYear()));
    }

    @DeleteMapping("/cards/{cardToken}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public ResponseEntity<Void> removeCard(EdgeUser caller, @PathVariable String cardToken) {
        return done(accounts.handle(caller.id(), new Account.RemoveCard(cardToken), caller.id()));
    }

    static ResponseEntity<Void> done(CommandResult<AccountEvent> result) {
        return ResponseEntity.noContent().header(ConsistencyToken.HEADER, result.token().toString()).build();
    }
}
