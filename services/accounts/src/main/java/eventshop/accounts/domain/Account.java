package eventshop.accounts.domain;

import eventshop.accounts.domain.AccountErrors.AccountAlreadyRegistered;
import eventshop.accounts.domain.AccountErrors.AccountLocked;
import eventshop.accounts.domain.AccountErrors.AccountNotFound;
import eventshop.accounts.domain.AccountErrors.CardExpired;
import eventshop.accounts.domain.AccountErrors.CardNotFound;
import eventshop.accounts.domain.AccountErrors.IllegalAccountTransition;
import eventshop.accounts.domain.AccountErrors.InvalidAddress;
import eventshop.accounts.domain.AccountErrors.InvalidCard;
import eventshop.accounts.domain.AccountErrors.InvalidRegistration;
import eventshop.accounts.domain.AccountErrors.ReasonTooLong;
import eventshop.accounts.domain.AccountErrors.TooManyCards;
import eventshop.accounts.domain.AccountErrors.WrongConfirmationCode;
import eventshop.contracts.Address;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.contracts.accounts.AccountEvent.AccountActivated;
import eventshop.contracts.accounts.AccountEvent.AccountArchived;
import eventshop.contracts.accounts.AccountEvent.AccountConfirmed;
import eventshop.contracts.accounts.AccountEvent.AccountForgotten;
import eventshop.contracts.accounts.AccountEvent.AccountReactivated;
import eventshop.contracts.accounts.AccountEvent.AccountRegistered;
import eventshop.contracts.accounts.AccountEvent.AccountSuspended;
import eventshop.contracts.accounts.AccountEvent.AddressChanged;
import eventshop.contracts.accounts.AccountEvent.CardRemoved;
import eventshop.contracts.accounts.AccountEvent.CardSaved;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.decider.Decider;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The account aggregate (stream {@code account-<accountId>}): a customer's or administrator's
 * lifecycle, shipping address and saved card tokens. Its events are the published
 * {@link AccountEvent}s.
 *
 * <p>Lifecycle (DESIGN §5): registered accounts are {@link Pending} until confirmed with the code
 * from their confirmation message (or by an administrator), then {@link Confirmed} until activated,
 * then {@link Active}. A pending, confirmed or active account can be {@link Suspended}, which keeps
 * the state it had: reactivating returns it there (a pending one can still confirm with its code, a
 * confirmed one is still to be activated). {@link Archived} is final. Repeating the command that led
 * to the current state changes nothing (redelivered messages are harmless); any other move the
 * lifecycle does not have is an {@link IllegalAccountTransition}. Address and cards can change while
 * the account may shop (pending, confirmed, active).
 *
 * <p>Personal data (e-mail address, name, address, a card's brand and last four digits) enters the events sealed
 * for the account ({@link Seal}, the privacy toolkit's {@code Sealing}): the decider checks the clear values it is
 * given and seals them into the events, which hold only the sealed text. {@link Forget} ("forget me") ends the
 * account for good ({@link Archived} with {@code forgotten}), whatever its state; its key is then destroyed, so
 * every sealed value of it opens to "erased".
 */
public final class Account {

    public static final int MAX_CARDS = 10;
    public static final int MAX_NAME = 200;
    public static final int MAX_REASON = 500;
    public static final int MAX_ADDRESS_NAME = 200;
    public static final int MAX_ADDRESS_LINE = 200;
    public static final int MAX_CITY = 100;
    public static final int MAX_POSTAL_CODE = 20;
    public static final int MAX_COUNTRY = 60;
    public static final Set<String> CARD_BRANDS = Set.of("VISA", "MASTERCARD", "AMEX", "DISCOVER", "UNKNOWN");
    public static final Set<String> ROLES = Set.of(EdgeToken.CUSTOMER, EdgeToken.ADMIN);
    private static final Pattern LAST4 = Pattern.compile("[0-9]{4}");
    private static final Pattern CARD_TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int MAX_YEARS_AHEAD = 50;

    // ------------------------------------------------------------------ commands

    public sealed interface Command {
    }

    /**
     * Seals one personal value for the account the command is for (the privacy toolkit's {@code Sealing.seal} bound
     * to the account id); {@link #NONE} leaves it clear (tests of the lifecycle that do not look at personal data).
     */
    @FunctionalInterface
    public interface Seal {
        Seal NONE = clear -> clear;

        String text(String clear);
    }

    public record Register(String accountId, EmailAddress email, String name, String role, String confirmationCode,
                           Seal seal) implements Command {
        public Register(String accountId, EmailAddress email, String name, String role, String confirmationCode) {
            this(accountId, email, name, role, confirmationCode, Seal.NONE);
        }
    }

    /**
     * The customer confirms with the code from the confirmation message; {@code currentCode} is the code that
     * confirms now when a new one was issued ({@link ConfirmationCode}), null for the registration's.
     */
    public record Confirm(String code, @Nullable String currentCode) implements Command {
        public Confirm(String code) {
            this(code, null);
        }

        @Override
        public String toString() {
            return "Confirm[]";
        }
    }

    /** An administrator confirms without a code. */
    public record ConfirmByAdmin() implements Command {
    }

    public record Activate() implements Command {
    }

    public record Suspend(String reason) implements Command {
    }

    public record Reactivate() implements Command {
    }

    public record Archive() implements Command {
    }

    /** "Forget me": the account ends for good, and its personal data is to be shredded (its key destroyed). */
    public record Forget() implements Command {
    }

    public record ChangeAddress(Address address, Seal seal) implements Command {
        public ChangeAddress(Address address) {
            this(address, Seal.NONE);
        }
    }

    /** Saves a card token; {@code currentMonth} is "now", to tell an expired card. */
    public record SaveCard(String cardToken, String brand, String last4, int expMonth, int expYear,
                           YearMonth currentMonth, Seal seal) implements Command {
        public SaveCard(String cardToken, String brand, String last4, int expMonth, int expYear,
                        YearMonth currentMonth) {
            this(cardToken, brand, last4, expMonth, expYear, currentMonth, Seal.NONE);
        }
    }

    public record RemoveCard(String cardToken) implements Command {
    }

    // ------------------------------------------------------------------ state

    public sealed interface State {
    }

    public record Unregistered() implements State {
    }

    public record Pending(String accountId, String confirmationCode, Wallet wallet) implements State {
    }

    public record Confirmed(String accountId, Wallet wallet) implements State {
    }

    public record Active(String accountId, Wallet wallet) implements State {
    }

    /** Suspended; {@code before} is the pending, confirmed or active state a reactivation returns to. */
    public record Suspended(State before) implements State {
        public String accountId() {
            return openAccountId(before);
        }
    }

    /** Archived; {@code forgotten} if it was archived by "forget me" (its personal data shredded). */
    public record Archived(String accountId, boolean forgotten) implements State {
        public Archived(String accountId) {
            this(accountId, false);
        }
    }

    /** The tokens of the saved cards, oldest first. */
    public record Wallet(List<String> cardTokens) {
        public static final Wallet EMPTY = new Wallet(List.of());

        public Wallet {
            cardTokens = List.copyOf(cardTokens);
        }

        public boolean holds(String token) {
            return cardTokens.contains(token);
        }

        public int size() {
            return cardTokens.size();
        }

        Wallet with(String token) {
            List<String> tokens = new ArrayList<>(cardTokens);
            tokens.add(token);
            return new Wallet(tokens);
        }

        Wallet without(String token) {
            List<String> tokens = new ArrayList<>(cardTokens);
            tokens.remove(token);
            return new Wallet(tokens);
        }
    }

    public static final Decider<Command, AccountEvent, State> DECIDER =
            new Decider<>(new Unregistered(), Account::evolve, Account::decide);

    private Account() {
    }

    /** The stream of an account. */
    public static String streamId(String accountId) {
        return "account-" + accountId;
    }

    // ------------------------------------------------------------------ evolve

    public static State evolve(State state, AccountEvent event) {
        return switch (event) {
            case AccountRegistered registered ->
                    new Pending(registered.accountId(), registered.confirmationCode(), Wallet.EMPTY);
            case AccountConfirmed confirmed -> new Confirmed(confirmed.accountId(), wallet(state));
            case AccountActivated activated -> new Active(activated.accountId(), wallet(state));
            case AccountSuspended suspended -> state instanceof Suspended already ? already : new Suspended(state);
            case AccountReactivated reactivated -> state instanceof Suspended suspended
                    ? suspended.before() : new Active(reactivated.accountId(), wallet(state));
            case AccountArchived archived -> new Archived(archived.accountId());
            case AccountForgotten forgotten -> new Archived(forgotten.accountId(), true);
            case AddressChanged changed -> state;
            case CardSaved saved -> withWallet(state, wallet(state).with(saved.cardToken()));
            case CardRemoved removed -> withWallet(state, wallet(state).without(removed.cardToken()));
        };
    }

    private static Wallet wallet(State state) {
        return switch (state) {
            case Unregistered unregistered -> Wallet.EMPTY;
            case Pending pending -> pending.wallet();
            case Confirmed confirmed -> confirmed.wallet();
            case Active active -> active.wallet();
            case Suspended suspended -> wallet(suspended.before());
            case Archived archived -> Wallet.EMPTY;
        };
    }

    private static State withWallet(State state, Wallet wallet) {
        return switch (state) {
            case Unregistered unregistered -> unregistered;
            case Pending pending -> new Pending(pending.accountId(), pending.confirmationCode(), wallet);
            case Confirmed confirmed -> new Confirmed(confirmed.accountId(), wallet);
            case Active active -> new Active(active.accountId(), wallet);
            case Suspended suspended -> new Suspended(withWallet(suspended.before(), wallet));
            case Archived archived -> archived;
        };
    }

    /** The lifecycle status of a registered account. */
    public static AccountStatus status(State state) {
        return switch (state) {
            case Unregistered unregistered -> throw new AccountNotFound();
            case Pending pending -> AccountStatus.PENDING;
            case Confirmed confirmed -> AccountStatus.CONFIRMED;
            case Active active -> AccountStatus.ACTIVE;
            case Suspended suspended -> AccountStatus.SUSPENDED;
            case Archived archived -> AccountStatus.ARCHIVED;
        };
    }

    // ------------------------------------------------------------------ decide

    public static List<AccountEvent> decide(Command command, State state) {
        return switch (command) {
            case Register register -> register(register, state);
            case Confirm confirm -> confirm(confirm, state);
            case ConfirmByAdmin confirm -> confirmByAdmin(state);
            case Activate activate -> activate(state);
            case Suspend suspend -> suspend(suspend, state);
            case Reactivate reactivate -> reactivate(state);
            case Archive archive -> archive(state);
            case Forget forget -> forget(state);
            case ChangeAddress change -> changeAddress(change, state);
            case SaveCard save -> saveCard(save, state);
            case RemoveCard remove -> removeCard(remove, state);
        };
    }

    private static List<AccountEvent> register(Register register, State state) {
        if (!(state instanceof Unregistered)) {
            throw new AccountAlreadyRegistered(register.accountId());
        }
        if (register.accountId() == null || register.accountId().isBlank()) {
            throw new InvalidRegistration("an account id is required");
        }
        String name = register.name() == null ? "" : register.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw new InvalidRegistration("the name must have 1 to " + MAX_NAME + " characters");
        }
        if (!ROLES.contains(register.role())) {
            throw new InvalidRegistration("the role must be one of " + ROLES);
        }
        if (register.confirmationCode() == null || register.confirmationCode().isBlank()) {
            throw new InvalidRegistration("a confirmation code is required");
        }
        return List.of(new AccountRegistered(register.accountId(), register.seal().text(register.email().value()),
                register.seal().text(name), register.role(), register.confirmationCode()));
    }

    private static List<AccountEvent> confirm(Confirm confirm, State state) {
        return switch (state) {
            case Unregistered unregistered -> throw new AccountNotFound();
            case Pending pending -> {
                String current = confirm.currentCode() != null ? confirm.currentCode() : pending.confirmationCode();
                if (!ConfirmationCode.same(current, confirm.code())) {
                    throw new WrongConfirmationCode();
                }
                yield List.of(new AccountConfirmed(pending.accountId()));
            }
            case Confirmed confirmed -> List.of(); // confirmed already; activation may still be due
            case Active active -> throw new IllegalAccountTransition("confirm", AccountStatus.ACTIVE);
            case Suspended suspended -> throw new IllegalAccountTransition("confirm", AccountStatus.SUSPENDED);
            case Archived archived -> throw new IllegalAccountTransition("confirm", AccountStatus.ARCHIVED);
        };
    }

    private static List<AccountEvent> confirmByAdmin(State state) {
        return switch (state) {
            case Unregistered unregistered -> throw new AccountNotFound();
            case Pending pending -> List.of(new AccountConfirmed(pending.accountId()));
            case Confirmed confirmed -> List.of();
            case Active active -> throw new IllegalAccountTransition("confirm", AccountStatus.ACTIVE);
            case Suspended suspended -> throw new IllegalAccountTransition("confirm", AccountStatus.SUSPENDED);
            case Archived archived -> throw new IllegalAccountTransition("confirm", AccountStatus.ARCHIVED);
        };
    }

    private static List<AccountEvent> activate(State state) {
        return switch (state) {
            case Unregistered unregistered -> throw new AccountNotFound();
            case Pending pending -> throw new IllegalAccountTransition("activate", AccountStatus.PENDING);
            case Confirmed confirmed -> List.of(new AccountActivated(confirmed.accountId()));
            case Active active -> List.of();
            case Suspended suspended -> throw new IllegalAccountTransition("activate", AccountStatus.SUSPENDED);
            case Archived archived -> throw new IllegalAccountTransition("activate", AccountStatus.ARCHIVED);
        };
    }

    private static List<AccountEvent> suspend(Suspend suspend, State state) {
        String reason = suspend.reason() == null ? "" : suspend.reason().strip();
        if (reason.length() > MAX_REASON) {
            throw new ReasonTooLong(MAX_REASON);
        }
        return switch (state) {
            case Unregistered unregistered -> throw new AccountNotFound();
            case Pending pending -> List.of(new AccountSuspended(pending.accountId(), reason));
            case Confirmed confirmed -> List.of(new AccountSuspended(confirmed.accountId(), reason));
            case Active active -> List.of(new AccountSuspended(active.accountId(), reason));
            case Suspended suspended -> List.of();
            case Archived archived -> throw new IllegalAccountTransition("suspend", AccountStatus.ARCHIVED);
        };
    }

    /** Returns a suspended account to where it was; an account that is not suspended stays as it is. */
    private static List<AccountEvent> reactivate(State state) {
        return switch (state) {
            case Unregistered unregistered -> throw new AccountNotFound();
            case Pending pending -> List.of();
            case Confirmed confirmed -> List.of();
            case Active active -> List.of();
            case Suspended suspended -> List.of(new AccountReactivated(suspended.accountId(),
                    status(suspended.before()).name()));
            case Archived archived -> throw new IllegalAccountTransition("reactivate", AccountStatus.ARCHIVED);
        };
    }

    private static List<AccountEvent> archive(State state) {
        return switch (state) {
            case Unregistered unregistered -> throw new AccountNotFound();
            case Pending pending -> List.of(new AccountArchived(pending.accountId()));
            case Confirmed confirmed -> List.of(new AccountArchived(confirmed.accountId()));
            case Active active -> List.of(new AccountArchived(active.accountId()));
            case Suspended suspended -> List.of(new AccountArchived(suspended.accountId()));
            case Archived archived -> List.of();
        };
    }

    /** Forgets any registered account; forgetting a forgotten one changes nothing. */
    private static List<AccountEvent> forget(State state) {
        return switch (state) {
            case Unregistered unregistered -> throw new AccountNotFound();
            case Archived archived when archived.forgotten() -> List.of();
            case Archived archived -> List.of(new AccountForgotten(archived.accountId()));
            case Pending pending -> List.of(new AccountForgotten(pending.accountId()));
            case Confirmed confirmed -> List.of(new AccountForgotten(confirmed.accountId()));
            case Active active -> List.of(new AccountForgotten(active.accountId()));
            case Suspended suspended -> List.of(new AccountForgotten(suspended.accountId()));
        };
    }

    private static List<AccountEvent> changeAddress(ChangeAddress change, State state) {
        String accountId = openAccountId(state);
        return List.of(new AddressChanged(accountId, sealed(checked(change.address()), change.seal())));
    }

    /** The address with each part sealed (an empty part stays empty: nothing personal in it). */
    private static Address sealed(Address address, Seal seal) {
        return new Address(sealedPart(address.name(), seal), sealedPart(address.line1(), seal),
                sealedPart(address.line2(), seal), sealedPart(address.city(), seal),
                sealedPart(address.postalCode(), seal), sealedPart(address.country(), seal));
    }

    private static String sealedPart(String part, Seal seal) {
        return part.isEmpty() ? part : seal.text(part);
    }

    private static List<AccountEvent> saveCard(SaveCard save, State state) {
        String accountId = openAccountId(state);
        checkCard(save);
        Wallet wallet = wallet(state);
        if (wallet.holds(save.cardToken())) {
            return List.of();
        }
        if (wallet.size() >= MAX_CARDS) {
            throw new TooManyCards(MAX_CARDS);
        }
        return List.of(new CardSaved(accountId, save.cardToken(), save.seal().text(save.brand()),
                save.seal().text(save.last4()), save.expMonth(), save.expYear()));
    }

    private static List<AccountEvent> removeCard(RemoveCard remove, State state) {
        String accountId = openAccountId(state);
        if (!wallet(state).holds(remove.cardToken())) {
            throw new CardNotFound();
        }
        return List.of(new CardRemoved(accountId, remove.cardToken()));
    }

    /** The id of an account whose address and cards may change, or the reason they may not. */
    static String openAccountId(State state) {
        return switch (state) {
            case Unregistered unregistered -> throw new AccountNotFound();
            case Pending pending -> pending.accountId();
            case Confirmed confirmed -> confirmed.accountId();
            case Active active -> active.accountId();
            case Suspended suspended -> throw new AccountLocked(AccountStatus.SUSPENDED);
            case Archived archived -> throw new AccountLocked(AccountStatus.ARCHIVED);
        };
    }

    private static void checkCard(SaveCard save) {
        if (save.cardToken() == null || !CARD_TOKEN.matcher(save.cardToken()).matches()) {
            throw new InvalidCard("the card token must be 1 to 64 letters, digits, '-' or '_'");
        }
        if (!CARD_BRANDS.contains(save.brand())) {
            throw new InvalidCard("the brand must be one of " + CARD_BRANDS.stream().sorted().toList());
        }
        if (save.last4() == null || !LAST4.matcher(save.last4()).matches()) {
            throw new InvalidCard("last4 must be four digits");
        }
        if (save.expMonth() < 1 || save.expMonth() > 12) {
            throw new InvalidCard("the expiry month must be 1 to 12");
        }
        YearMonth now = save.currentMonth();
        if (save.expYear() > now.getYear() + MAX_YEARS_AHEAD) {
            throw new InvalidCard("the expiry year is too far ahead");
        }
        if (save.expYear() < now.getYear() || YearMonth.of(save.expYear(), save.expMonth()).isBefore(now)) {
            throw new CardExpired(save.expMonth(), save.expYear());
        }
    }

    /** The address with its parts trimmed (line2 empty when absent), or why it is not one. */
    static Address checked(Address address) {
        if (address == null) {
            throw new InvalidAddress("an address is required");
        }
        return new Address(
                required("name", address.name(), MAX_ADDRESS_NAME),
                required("line1", address.line1(), MAX_ADDRESS_LINE),
                optional("line2", address.line2(), MAX_ADDRESS_LINE),
                required("city", address.city(), MAX_CITY),
                required("postalCode", address.postalCode(), MAX_POSTAL_CODE),
                required("country", address.country(), MAX_COUNTRY));
    }

    private static String required(String part, String value, int max) {
        String stripped = optional(part, value, max);
        if (stripped.isEmpty()) {
            throw new InvalidAddress("the address needs a " + part);
        }
        return stripped;
    }

    private static String optional(String part, String value, int max) {
        String stripped = value == null ? "" : value.strip();
        if (stripped.length() > max) {
            throw new InvalidAddress("the address's " + part + " must have at most " + max + " characters");
        }
        return stripped;
    }
}
