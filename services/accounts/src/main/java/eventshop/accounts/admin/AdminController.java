package eventshop.accounts.admin;

import eventshop.accounts.Accounts;
import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.AccountErrors.AccountNotFound;
import eventshop.accounts.domain.AccountStatus;
import eventshop.accounts.profile.AccountProfiles;
import eventshop.accounts.profile.AccountProfiles.Page;
import eventshop.accounts.profile.AccountProfiles.Profile;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandResult;
import eventshop.eventsourcing.resources.EventLog;
import eventshop.eventsourcing.privacy.Sealing;
import eventshop.eventsourcing.resources.Resource;
import eventshop.eventsourcing.security.EdgeUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.hateoas.EntityModel;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Administrators: list and look up accounts, and move them through their lifecycle. */
@RestController
@RequestMapping("/api/accounts")
@PreAuthorize("hasRole('ADMIN')")
public class AdminController {

    public record SuspendRequest(@Size(max = Account.MAX_REASON) String reason) {
    }

    private static final String DEFAULT_REASON = "suspended by an administrator";

    private final Accounts accounts;
    private final AccountProfiles profiles;

    public AdminController(Accounts accounts, AccountProfiles profiles) {
        this.accounts = accounts;
        this.profiles = profiles;
    }

    /** Accounts in the order they registered. */
    @GetMapping
    public Page list(@RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
                     @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size,
                     @Nullable ConsistencyToken consistencyToken) {
        return profiles.list(page, size, consistencyToken);
    }

    /**
     * An account, linking itself, its events and the lifecycle commands its status allows: {@code confirm} while
     * pending, {@code suspend} until suspended or archived, {@code reactivate} while suspended, {@code archive}
     * until archived.
     */
    @GetMapping("/{accountId}")
    public EntityModel<Profile> account(@PathVariable String accountId,
                                        @Nullable ConsistencyToken consistencyToken) {
        if (!Accounts.isAccountId(accountId)) {
            throw new AccountNotFound();
        }
        Profile profile = profiles.profile(accountId, consistencyToken).orElseThrow(AccountNotFound::new);
        AccountStatus status = profile.status();
        String self = Resource.path("/api/accounts/{accountId}", accountId);
        return Resource.of(profile, self)
                .events(self + "/events")
                .command("confirm", self + "/confirm", status.confirmable())
                .command("suspend", self + "/suspend", status.suspendable())
                .command("reactivate", self + "/reactivate", status.reactivatable())
                .command("archive", self + "/archive", status.archivable())
                // forgetting again would change nothing: a forgotten account's personal data shows as erased
                .command("forget", self + "/forget", !Sealing.ERASED.equals(profile.email()))
                .model();
    }

    /** The account's event log, oldest first, {@code limit} events from {@code fromVersion}. */
    @GetMapping("/{accountId}/events")
    public List<EventLog.Entry> events(@PathVariable String accountId,
                                       @RequestParam(defaultValue = "0") @Min(0) long fromVersion,
                                       @RequestParam(defaultValue = "1000") @Min(1) @Max(EventLog.MAX_LIMIT) int limit) {
        return accounts.events(accountId, fromVersion, limit);
    }

    /** Confirms without a code; the account-lifecycle function then activates it. */
    @PostMapping("/{accountId}/confirm")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public ResponseEntity<Void> confirm(@PathVariable String accountId, EdgeUser caller) {
        return done(accounts.confirm(accountId, new Account.ConfirmByAdmin(), caller.id()));
    }

    @PostMapping("/{accountId}/suspend")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public ResponseEntity<Void> suspend(@PathVariable String accountId, EdgeUser caller,
                                        @Valid @RequestBody(required = false) SuspendRequest request) {
        String reason = request == null || request.reason() == null || request.reason().isBlank()
                ? DEFAULT_REASON : request.reason();
        return done(accounts.handle(accountId, new Account.Suspend(reason), caller.id()));
    }

    @PostMapping("/{accountId}/reactivate")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public ResponseEntity<Void> reactivate(@PathVariable String accountId, EdgeUser caller) {
        return done(accounts.handle(accountId, new Account.Reactivate(), caller.id()));
    }

    @PostMapping("/{accountId}/archive")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public ResponseEntity<Void> archive(@PathVariable String accountId, EdgeUser caller) {
        return done(accounts.handle(accountId, new Account.Archive(), caller.id()));
    }

    private static ResponseEntity<Void> done(CommandResult<AccountEvent> result) {
        return ResponseEntity.noContent().header(ConsistencyToken.HEADER, result.token().toString()).build();
    }
}
