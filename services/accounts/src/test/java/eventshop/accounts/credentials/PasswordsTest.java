package eventshop.accounts.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventshop.accounts.domain.AccountErrors.CommonPassword;
import eventshop.accounts.domain.AccountErrors.InvalidRegistration;
import eventshop.eventsourcing.web.Overloaded;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

class PasswordsTest {

    final Passwords passwords = new Passwords();

    @Test
    void hashes_with_argon2id_and_a_fresh_salt_each_time() {
        String hash = passwords.hash("correct horse");
        assertThat(hash).startsWith("$argon2id$").doesNotContain("correct horse");
        assertThat(passwords.hash("correct horse")).isNotEqualTo(hash);
        assertThat(passwords.matches("correct horse", hash)).isTrue();
        assertThat(passwords.matches("correct horsE", hash)).isFalse();
    }

    @Test
    void every_character_of_a_long_password_counts() {
        String long128 = "p".repeat(127) + "a";
        String hash = passwords.hash(long128);
        assertThat(passwords.matches("p".repeat(127) + "b", hash)).isFalse();
        assertThat(passwords.matches(long128, hash)).isTrue();
    }

    @Test
    void no_hash_never_matches() {
        assertThat(passwords.matches("anything", null)).isFalse();
        assertThat(passwords.matches(null, null)).isFalse();
    }

    @Test
    void the_most_common_passwords_are_refused_whatever_their_case() {
        assertThat(passwords.isCommon("password")).isTrue();
        assertThat(passwords.isCommon("Password123")).isTrue();
        assertThat(passwords.isCommon("qwertyuiop")).isTrue();
        assertThat(passwords.isCommon("12345678")).isTrue();
        assertThatThrownBy(() -> passwords.checkNew("iloveyou1")).isInstanceOf(CommonPassword.class);
        assertThatThrownBy(() -> passwords.checkNew("short")).isInstanceOf(InvalidRegistration.class);
        assertThatThrownBy(() -> passwords.checkNew("x".repeat(Passwords.MAX_LENGTH + 1)))
                .isInstanceOf(InvalidRegistration.class);
    }

    @Test
    void the_passwords_of_the_demo_and_the_tests_are_not_common() {
        for (String password : List.of("alice-demo-password", "bob-demo-password", "password-" + UUID.randomUUID(),
                "pw-" + UUID.randomUUID(), "load-password-" + UUID.randomUUID(), "a long password", "correct horse",
                "admin-password-for-tests")) {
            assertThat(passwords.isCommon(password)).as(password).isFalse();
            passwords.checkNew(password);
        }
    }

    @Test
    void no_more_hashes_and_checks_run_at_once_than_it_takes() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        PasswordEncoder holding = new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                if (raw.toString().startsWith("pw-")) {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                }
                return "hash-of-" + raw;
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                return encode(raw).equals(encoded);
            }
        };
        Passwords twoAtOnce = new Passwords(holding, 2, Duration.ofSeconds(30));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> checks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                checks.add(pool.submit(() -> n % 2 == 0 ? twoAtOnce.hash("pw-" + n) != null
                        : twoAtOnce.matches("pw-" + n, "hash-of-pw-" + n)));
            }
            // two run (held until released), the other three wait for a turn
            await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == 2 && twoAtOnce.waitingForATurn() == 3);
            assertThat(most.get()).as("hashes and checks running at once").isEqualTo(2);

            release.countDown();
            for (Future<Boolean> check : checks) {
                assertThat(check.get(10, TimeUnit.SECONDS)).isTrue();
            }
        }
        assertThat(most.get()).as("hashes and checks running at once, all of them done").isEqualTo(2);
        assertThat(twoAtOnce.waitingForATurn()).isZero();
    }

    @Test
    void a_check_that_waits_too_long_for_its_turn_is_refused_as_overloaded_and_the_turn_comes_back() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PasswordEncoder blocking = new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                if (raw.toString().equals("slow")) {
                    inside.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return "hash-of-" + raw;
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                return encode(raw).equals(encoded);
            }
        };
        Passwords oneAtOnce = new Passwords(blocking, 1, Duration.ofMillis(200));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> slow = pool.submit(() -> oneAtOnce.hash("slow"));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(() -> oneAtOnce.matches("guess", "hash-of-guess")).isInstanceOf(Overloaded.class)
                    .hasMessageContaining("more passwords are being checked than this service takes at once")
                    .satisfies(e -> assertThat(((Overloaded) e).retryAfter()).isPositive());
            assertThatThrownBy(() -> oneAtOnce.matches("guess", null)).isInstanceOf(Overloaded.class);

            release.countDown();
            assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("hash-of-slow");
        }
        assertThat(oneAtOnce.matches("guess", "hash-of-guess")).as("the turn, given back").isTrue();
    }

    @Test
    void it_takes_at_least_one_check_at_a_time() {
        assertThatThrownBy(() -> new Passwords(Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(), 0,
                Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
