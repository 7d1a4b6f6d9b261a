package eventshop.accounts.limits;

import eventshop.accounts.domain.EmailAddress;
import eventshop.accounts.privacy.EmailIndex;
import eventshop.accounts.limits.domain.LoginFailures;
import eventshop.accounts.limits.domain.LoginFailures.Clear;
import eventshop.accounts.limits.domain.LoginFailures.LoginFailuresCleared;
import eventshop.accounts.limits.domain.LoginFailures.RecordFailure;
import eventshop.accounts.limits.domain.RegistrationQuota;
import eventshop.accounts.limits.domain.RegistrationQuota.Admit;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.CommandHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The limits on guessing and registering ({@link LimitsProperties}), kept in the log on private streams so that
 * they hold across restarts and for every instance of the service: failed logins per e-mail address and per
 * client address ({@link LoginFailures}), registrations per client address ({@link RegistrationQuota}).
 *
 * <p>A login takes {@link #login}: refused unchecked (429) while either key is blocked; otherwise checked, a
 * failure recorded under both keys, a success clearing the e-mail address's failures (not the client's: one
 * success must not let a guesser who also has an account of their own try on). Logins with one e-mail address
 * are checked one at a time in this instance, so a burst of concurrent guesses cannot all pass before the first
 * failure is recorded. Thread-safe.
 */
@Component
@EnableConfigurationProperties(LimitsProperties.class)
public class Limits {

    private static final int LOCK_STRIPES = 256;

    private final CommandHandler<LoginFailures.Command, LoginFailures.Event, LoginFailures.State> failures;
    private final CommandHandler<RegistrationQuota.Command, RegistrationQuota.Event, RegistrationQuota.State> quotas;
    private final CommandContexts contexts;
    private final LimitsProperties properties;
    private final Clock clock;
    private final Lock[] locks = new Lock[LOCK_STRIPES];
    private final EmailIndex emailIndex;

    public Limits(CommandHandler<LoginFailures.Command, LoginFailures.Event, LoginFailures.State> loginFailuresHandler,
                  CommandHandler<RegistrationQuota.Command, RegistrationQuota.Event, RegistrationQuota.State> registrationQuotaHandler,
                  CommandContexts contexts, LimitsProperties properties, Clock clock, EmailIndex emailIndex) {
        this.emailIndex = emailIndex;
        this.failures = loginFailuresHandler;
        this.quotas = registrationQuotaHandler;
        this.contexts = contexts;
        this.properties = properties;
        this.clock = clock;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** What a login check says: whether the password was right. */
    public interface Check {
        boolean passwordIsRight();
    }

    /**
     * Runs a login {@code check} under the limits of {@code email} (null for text that is no e-mail address: only
     * the client's limit applies) and {@code client}: records a wrong password, clears the address's failures on
     * a right one.
     *
     * @return whether the password was right
     * @throws TooManyLoginAttempts while either key is blocked (the check is not run)
     */
    public boolean login(@Nullable EmailAddress email, Optional<ClientAddress> client, Check check) {
        Lock lock = email == null ? null : locks[Math.floorMod(email.value().hashCode(), LOCK_STRIPES)];
        if (lock != null) {
            lock.lock();
        }
        try {
            List<String> streams = streams(email, client);
            Duration blocked = Duration.ZERO;
            for (String stream : streams) {
                Duration wait = LoginFailures.blockedFor(failures.load(stream).state(), clock.instant());
                blocked = wait.compareTo(blocked) > 0 ? wait : blocked;
            }
            if (!blocked.isZero()) {
                throw new TooManyLoginAttempts(blocked);
            }
            boolean right = check.passwordIsRight();
            CommandContext context = contexts.create(LoginFailures.class.getSimpleName(), null);
            String from = client.map(ClientAddress::value).orElse(null);
            if (right) {
                if (email != null) {
                    failures.handle(LoginFailures.emailStreamId(emailIndex.of(email)),
                            new Clear(LoginFailuresCleared.LOGGED_IN, "login", clock.instant()), context);
                }
            } else {
                for (String stream : streams) {
                    failures.handle(stream, new RecordFailure(from, clock.instant(),
                            stream.equals(clientStream(client)) ? properties.loginPerClient().policy()
                                    : properties.loginPerEmail().policy()), context);
                }
            }
            return right;
        } finally {
            if (lock != null) {
                lock.unlock();
            }
        }
    }

    /** The failed logins with {@code email} as they stand, for an administrator. */
    public LoginFailuresView loginFailures(EmailAddress email) {
        return view(LoginFailures.emailStreamId(emailIndex.of(email)));
    }

    /** The failed logins from {@code client} as they stand, for an administrator. */
    public LoginFailuresView loginFailures(ClientAddress client) {
        return view(LoginFailures.clientStreamId(client.key()));
    }

    /**
     * Failed logins under one key as an administrator sees them.
     *
     * @param failures          failures in a row (0 after a clear, or none yet)
     * @param lastFailureAt     the last one, null if none
     * @param blockedUntil      logins refused until then, null if they are not now
     * @param retryAfterSeconds what a refused login is told to wait now, 0 if logins are not refused
     * @param recent            the failures since the last clear, newest first, at most {@value #RECENT}
     */
    public record LoginFailuresView(int failures, @Nullable Instant lastFailureAt, @Nullable Instant blockedUntil,
                                    long retryAfterSeconds, List<LoginFailures.LoginFailed> recent) {
    }

    static final int RECENT = 20;

    private LoginFailuresView view(String stream) {
        LoginFailures.State state = failures.load(stream).state();
        Duration blocked = LoginFailures.blockedFor(state, clock.instant());
        List<LoginFailures.LoginFailed> recent = new ArrayList<>();
        for (LoginFailures.Event event : failures.events(stream).toIterable()) {
            switch (event) {
                case LoginFailures.LoginFailed failed -> recent.addFirst(failed);
                case LoginFailuresCleared cleared -> recent.clear();
            }
        }
        return switch (state) {
            case LoginFailures.NoFailures none -> new LoginFailuresView(0, null, null, 0, List.of());
            case LoginFailures.Failing failing -> new LoginFailuresView(failing.failures(), failing.lastFailureAt(),
                    blocked.isZero() ? null : failing.blockedUntil(),
                    blocked.isZero() ? 0 : blocked.toSeconds() + (blocked.toNanosPart() > 0 ? 1 : 0),
                    List.copyOf(recent.subList(0, Math.min(RECENT, recent.size()))));
        };
    }

    /** An administrator forgets the failed logins with {@code email}; nothing to forget changes nothing. */
    public void clear(EmailAddress email, String administrator) {
        failures.handle(LoginFailures.emailStreamId(emailIndex.of(email)),
                new Clear(LoginFailuresCleared.BY_ADMIN, administrator, clock.instant()),
                contexts.create(administrator, null));
    }

    /** An administrator forgets the failed logins from {@code client}. */
    public void clear(ClientAddress client, String administrator) {
        failures.handle(LoginFailures.clientStreamId(client.key()),
                new Clear(LoginFailuresCleared.BY_ADMIN, administrator, clock.instant()),
                contexts.create(administrator, null));
    }

    /**
     * Counts a registration from {@code client} against its quota.
     *
     * @throws RegistrationQuota.TooManyRegistrations over the quota (429; nothing is counted)
     */
    public void admitRegistration(ClientAddress client, CommandContext context) {
        quotas.handle(RegistrationQuota.streamId(client.key()),
                new Admit(client.value(), clock.instant(), properties.registrationsPerClient().policy()), context);
    }

    /** The current time of the limits' clock. */
    public Instant now() {
        return clock.instant();
    }

    /** The minimum time between two confirmation codes of one account. */
    public Duration newCodeInterval() {
        return properties.newCodeInterval();
    }

    private List<String> streams(@Nullable EmailAddress email, Optional<ClientAddress> client) {
        List<String> streams = new ArrayList<>(2);
        if (email != null) {
            streams.add(LoginFailures.emailStreamId(emailIndex.of(email)));
        }
        client.ifPresent(address -> streams.add(LoginFailures.clientStreamId(address.key())));
        return streams;
    }

    private static @Nullable String clientStream(Optional<ClientAddress> client) {
        return client.map(address -> LoginFailures.clientStreamId(address.key())).orElse(null);
    }
}
