package eventshop.eventsourcing.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.contracts.Address;
import eventshop.eventsourcing.privacy.PrivacyErrors.BrokenSeal;
import eventshop.eventsourcing.privacy.PrivacyErrors.SubjectForgotten;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

class SealingTest {

    private final JdbcSubjectKeys keys = new JdbcSubjectKeys(new JdbcTemplate(database()),
            MasterKey.fromBase64(MasterKey.generateBase64()), Clock.systemUTC());
    private final Sealing sealing = new Sealing(keys);
    private final String alice = UUID.randomUUID().toString();
    private final String bob = UUID.randomUUID().toString();

    static JdbcDataSource database() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    @Test
    void aSealedValue_carriesNoClearText_andOpensToIt() {
        String sealed = sealing.seal(alice, "alice@example.com");

        assertThat(sealed).startsWith(Sealing.PREFIX + alice + ":").doesNotContain("alice@example.com")
                .doesNotContain("example");
        assertThat(Sealing.subjectOf(sealed)).contains(alice);
        assertThat(sealing.open(sealed)).isEqualTo("alice@example.com");
    }

    @Test
    void sealingTwice_givesDifferentCiphertexts() {
        assertThat(sealing.seal(alice, "Alice")).isNotEqualTo(sealing.seal(alice, "Alice"));
    }

    @Test
    void aValueThatIsNotSealed_opensToItself_dataStoredBeforeSealing() {
        assertThat(sealing.open("old@example.com")).isEqualTo("old@example.com");
        assertThat(sealing.open("")).isEmpty();
    }

    @Test
    void textThatLooksSealed_isSealedToo_whatWasTypedComesBack() {
        String typed = "pd1:" + bob + ":AAAA";
        assertThat(sealing.open(sealing.seal(alice, typed))).isEqualTo(typed);
    }

    @Test
    void afterForgetting_everyValueOfTheSubjectOpensToErased_othersStillOpen() {
        String email = sealing.seal(alice, "alice@example.com");
        String other = sealing.seal(bob, "bob@example.com");

        keys.forget(alice);

        assertThat(sealing.open(email)).isEqualTo(Sealing.ERASED);
        assertThat(sealing.open(other)).isEqualTo("bob@example.com");
    }

    @Test
    void aForgottenSubject_isNeverSealedForAgain() {
        keys.forget(alice);

        assertThatThrownBy(() -> sealing.seal(alice, "late@example.com")).isInstanceOf(SubjectForgotten.class);
        assertThat(keys.find(alice)).isEmpty();
        assertThat(keys.forgotten(alice)).isTrue();
        keys.forget(alice); // twice: nothing more
    }

    @Test
    void anAlteredValue_isABrokenSeal_notErasedNorGarbage() {
        String sealed = sealing.seal(alice, "Alice Liddell");
        byte[] bytes = Base64.getUrlDecoder().decode(sealed.substring(sealed.lastIndexOf(':') + 1));
        bytes[bytes.length - 1] ^= 1;
        String altered = sealed.substring(0, sealed.lastIndexOf(':') + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

        assertThatThrownBy(() -> sealing.open(altered)).isInstanceOf(BrokenSeal.class);
        assertThatThrownBy(() -> sealing.open("pd1:" + alice + ":***")).isInstanceOf(BrokenSeal.class);
        assertThatThrownBy(() -> sealing.open("pd1:" + alice + ":AAAA")).isInstanceOf(BrokenSeal.class);
    }

    @Test
    void aValueMovedToAnotherSubject_doesNotOpen() {
        sealing.seal(bob, "x"); // bob has a key
        String sealed = sealing.seal(alice, "Alice");
        String moved = sealed.replace(alice, bob);

        assertThatThrownBy(() -> sealing.open(moved)).isInstanceOf(BrokenSeal.class);
    }

    @Test
    void anAddress_isSealedPartByPart_emptyPartsStayEmpty() {
        Address address = new Address("Alice", "1 Rabbit Hole", "", "Oxford", "OX1", "UK");

        Address sealed = sealing.seal(alice, address);

        assertThat(sealed.line2()).isEmpty();
        assertThat(sealed.toString()).doesNotContain("Rabbit").doesNotContain("Oxford");
        assertThat(sealing.open(sealed)).isEqualTo(address);
        keys.forget(alice);
        assertThat(sealing.open(sealed)).isEqualTo(new Address("erased", "erased", "", "erased", "erased", "erased"));
    }

    @Test
    void aSubject_isAnIdWithoutColon() {
        assertThatThrownBy(() -> sealing.seal("a:b", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sealing.seal(" ", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unicode_roundTrips() {
        String name = "Zoë Ångström 山田";
        assertThat(sealing.open(sealing.seal(alice, name))).isEqualTo(name);
        assertThat(sealing.seal(alice, name).getBytes(StandardCharsets.UTF_8)).isNotEmpty();
    }

    @Test
    void withAContext_theSameTextSealsTheSame_otherTextsAndContextsDiffer() {
        Address address = new Address("Alice", "1 Rabbit Hole", "", "Oxford", "OX1", "UK");

        assertThat(sealing.seal(alice, address, "key-1")).isEqualTo(sealing.seal(alice, address, "key-1"));
        assertThat(sealing.seal(alice, address, "key-2")).isNotEqualTo(sealing.seal(alice, address, "key-1"));
        assertThat(sealing.seal(alice, "Alice", "key-1")).isNotEqualTo(sealing.seal(alice, "Alicf", "key-1"));
        assertThat(sealing.seal(alice, address, "key-1").name()).isNotEqualTo(sealing.seal(alice, address, "key-1").city());
        assertThat(sealing.open(sealing.seal(alice, address, "key-1"))).isEqualTo(address);
    }
}
