package eventshop.accounts.profile;

import eventshop.accounts.Accounts;
import eventshop.accounts.cards.PaymentCards;
import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.AccountErrors.AccountNotFound;
import eventshop.accounts.domain.AccountStatus;
import eventshop.accounts.profile.AccountProfiles.Card;
import eventshop.accounts.profile.AccountProfiles.Profile;
import eventshop.accounts.registration.Confirmations;
import eventshop.contracts.Address;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandResult;
import eventshop.eventsourcing.resources.EventLog;
import eventshop.eventsourcing.resources.Resource;
import eventshop.eventsourcing.privacy.Sealing;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventsourcing.web.InvalidField;
import eventshop.eventsourcing.web.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.hateoas.EntityModel;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.ErrorResponseException;

/**
 * The caller's own account ({@code /api/accounts/me}): profile, confirmation, address and cards. There
 * is no way to name another account here; the account is always the one the token names.
 */
@RestController
@RequestMapping("/api/accounts/me")
@PreAuthorize("hasAnyRole('CUSTOMER', 'ADMIN')")
public class MeController {

    static final String ME = "/api/accounts/me";

    public record ConfirmRequest(@NotBlank @Size(max = 32) String code) {
    }

    public record AddressRequest(@NotBlank @Size(max = Account.MAX_ADDRESS_NAME) String name,
                                 @NotBlank @Size(max = Account.MAX_ADDRESS_LINE) String line1,
                                 @Size(max = Account.MAX_ADDRESS_LINE) String line2,
                                 @NotBlank @Size(max = Account.MAX_CITY) String city,
                                 @NotBlank @Size(max = Account.MAX_POSTAL_CODE) String postalCode,
                                 @NotBlank @Size(max = Account.MAX_COUNTRY) String country) {
    }

    /**
     * A card to save: only its token, from payments' tokenization. The brand, last four digits and expiry are
     * payments' to say; a request that sends them is refused (400 {@code invalid-fields} naming them), so that
     * no client believes what it sent was kept.
     */
    public record CardRequest(@NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9_-]+") String cardToken,
                              Object brand, Object last4, Object expMonth, Object expYear) {

        /** The fields a client may not send, in the order it sent them. */
        List<String> forbidden() {
            List<String> sent = new ArrayList<>();
            if (brand != null) {
                sent.add("brand");
            }
            if (last4 != null) {
                sent.add("last4");
            }
            if (expMonth != null) {
                sent.add("expMonth");
            }
            if (expYear != null) {
                sent.add("expYear");
            }
            return sent;
        }
    }

    private final Accounts accounts;
    private final AccountProfiles profiles;
    private final PaymentCards cards;
    private final Clock clock;
    private final Confirmations confirmations;
    private final Sealing sealing;

    public MeController(Accounts accounts, AccountProfiles profiles, PaymentCards cards, Clock clock,
                        Confirmations confirmations, Sealing sealing) {
        this.sealing = sealing;
        this.confirmations = confirmations;
        this.accounts = accounts;
        this.profiles = profiles;
        this.cards = cards;
        this.clock = clock;
    }

    /**
     * The caller's account, linking itself, its events and what its owner may do now: {@code confirm} and
     * {@code confirmation-code} while it is pending; {@code change-address}, {@code save-card} and {@code forget}
     * ({@code DELETE} with the password: crypto-shredding, docs/privacy.md) while it may log in.
     */
    @GetMapping
    public EntityModel<Profile> me(EdgeUser caller,
                                   @Nullable ConsistencyToken consistencyToken) {
        Profile profile = profiles.profile(caller.id(), consistencyToken).orElseThrow(AccountNotFound::new);
        AccountStatus status = profile.status();
        return Resource.of(profile, ME)
                .events(ME + "/events")
                .command("confirm", ME + "/confirm", status.confirmable())
                .command("confirmation-code", ME + "/confirmation-code", status.confirmable())
                .command("change-address", ME + "/address", status.mayLogIn())
                .command("save-card", ME + "/cards", status.mayLogIn())
                .command("forget", ME, status.mayLogIn())
                .model();
    }

    /** The caller's account's event log, oldest first, {@code limit} events from {@code fromVersion}. */
    @GetMapping("/events")
    public List<EventLog.Entry> events(EdgeUser caller,
                                       @RequestParam(defaultValue = "0") @Min(0) long fromVersion,
                                       @RequestParam(defaultValue = "1000") @Min(1) @Max(EventLog.MAX_LIMIT) int limit) {
        return accounts.events(caller.id(), fromVersion, limit);
    }

    /**
     * Confirms with the code from the confirmation message. The account shows PENDING until the
     * account-lifecycle function activates it ({@code ActivateAccount} on {@code accounts.commands}). A wrong code is
     * 422 {@code wrong-confirmation-code} (saying how many tries are left); after five the code is void: 422
     * {@code confirmation-code-void}, for the right code too, until a new one is asked for.
     */
    @PostMapping("/confirm")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public ResponseEntity<Void> confirm(EdgeUser caller, @Valid @RequestBody ConfirmRequest request) {
        return done(confirmations.confirm(caller.id(), request.code(), caller.id()));
    }

    /**
     * Sends a new confirmation code to the caller's mailbox (202, with the {@code Consistency-Token} of the message):
     * the codes sent before stop working. At most one a minute (429 {@code too-many-code-requests} with
     * {@code Retry-After}); an account that is not pending is 409.
     */
    @PostMapping("/confirmation-code")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public ResponseEntity<Void> newConfirmationCode(EdgeUser caller) {
        return ResponseEntity.accepted()
                .header(ConsistencyToken.HEADER, confirmations.newCode(caller.id(), caller.id()).toString()).build();
    }

    @PutMapping("/address")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public ResponseEntity<Void> changeAddress(EdgeUser caller, @Valid @RequestBody AddressRequest request) {
        Address address = new Address(request.name(), request.line1(), request.line2() == null ? "" : request.line2(),
                request.city(), request.postalCode(), request.country());
        return done(accounts.handle(caller.id(), new Account.ChangeAddress(address, sealFor(caller)), caller.id()));
    }

    /**
     * Saves one of the caller's cards by its token: accounts asks payments for the card (as the caller) and
     * keeps the brand, last four digits and expiry payments answers. A token payments does not know as the
     * caller's is 422 {@code unknown-card}; payments not answering is 503; either way nothing is stored.
     */
    @PostMapping("/cards")
    @ResponseStatus(HttpStatus.CREATED)
    public ResponseEntity<Card> saveCard(EdgeUser caller, @Valid @RequestBody CardRequest request) {
        List<String> forbidden = request.forbidden();
        if (!forbidden.isEmpty()) {
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST, Problems.invalidFields(forbidden.stream()
                    .map(field -> InvalidField.body(field, "is taken from payments, not from the request; send only cardToken"))
                    .toList()), null);
        }
        PaymentCards.CardOnFile card = cards.card(request.cardToken());
        CommandResult<AccountEvent> result = accounts.handle(caller.id(), new Account.SaveCard(card.token(),
                card.brand(), card.last4(), card.expMonth(), card.expYear(), YearMonth.now(clock), sealFor(caller)),
                caller.id());
        return ResponseEntity.status(HttpStatus.CREATED).header(ConsistencyToken.HEADER, result.token().toString())
                .body(new Card(card.token(), card.brand(), card.last4(), card.expMonth(), card.expYear()));
    }

    @DeleteMapping("/cards/{cardToken}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public ResponseEntity<Void> removeCard(EdgeUser caller, @PathVariable String cardToken) {
        return done(accounts.handle(caller.id(), new Account.RemoveCard(cardToken), caller.id()));
    }

    /** The caller's personal data is sealed for the caller's account before it is recorded. */
    private Account.Seal sealFor(EdgeUser caller) {
        return clear -> sealing.seal(caller.id(), clear);
    }

    static ResponseEntity<Void> done(CommandResult<AccountEvent> result) {
        return ResponseEntity.noContent().header(ConsistencyToken.HEADER, result.token().toString()).build();
    }
}
