package eventshop.web.site;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.privacy.PrivacyErrors;
import eventshop.eventsourcing.privacy.Sealing;
import eventshop.eventsourcing.privacy.SubjectKeys;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/** The header's e-mail: the token carries it sealed, the page shows it opened, and a header never fails a page. */
class PageModelTest {

    private final Map<String, SecretKey> keys = new ConcurrentHashMap<>();
    private volatile boolean accountsAnswers = true;

    private final SubjectKeys subjectKeys = new SubjectKeys() {
        @Override
        public SecretKey obtain(String subject) {
            return keys.computeIfAbsent(subject, ignored -> newKey());
        }

        @Override
        public Optional<SecretKey> find(String subject) {
            if (!accountsAnswers) {
                throw new PrivacyErrors.KeysUnavailable("accounts is stopped for the test");
            }
            return Optional.ofNullable(keys.get(subject));
        }
    };
    private final Sealing sealing = new Sealing(subjectKeys);

    @Test
    void aSealedEmail_isShownOpened_andAClearOneAsItIs() {
        String sealed = sealing.seal("account-1", "ada@example.com");

        assertThat(sealed).startsWith(Sealing.PREFIX).doesNotContain("ada@example.com");
        assertThat(PageModel.shown(sealing, sealed)).isEqualTo("ada@example.com");
        assertThat(PageModel.shown(sealing, "grace@example.com")).isEqualTo("grace@example.com");
        assertThat(PageModel.shown(sealing, "")).isEmpty();
    }

    @Test
    void aForgottenSubject_showsErased_andAnUnanswerableOne_showsNothing() {
        String sealed = sealing.seal("account-2", "lin@example.com");

        accountsAnswers = false;
        assertThat(PageModel.shown(sealing, sealed)).isEmpty();

        accountsAnswers = true;
        keys.remove("account-2");
        assertThat(PageModel.shown(sealing, sealed)).isEqualTo(Sealing.ERASED);
    }

    private static SecretKey newKey() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            return generator.generateKey();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
