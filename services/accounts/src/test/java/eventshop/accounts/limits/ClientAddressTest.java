package eventshop.accounts.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientAddressTest {

    @Test
    void an_ipv4_address_is_its_own_key() {
        assertThat(ClientAddress.of("203.0.113.7").orElseThrow().key()).isEqualTo("203.0.113.7");
    }

    @Test
    void an_ipv6_address_counts_by_its_64_network() {
        ClientAddress one = ClientAddress.of("2001:db8:1:2:aaaa::1").orElseThrow();
        ClientAddress other = ClientAddress.of("[2001:0db8:0001:0002:ffff:ffff:ffff:ffff]").orElseThrow();
        assertThat(one.key()).isEqualTo("2001:db8:1:2::/64").isEqualTo(other.key());
        assertThat(ClientAddress.of("2001:db8:1:3::1").orElseThrow().key()).isNotEqualTo(one.key());
        assertThat(ClientAddress.of("fe80::1%eth0").orElseThrow().key()).isEqualTo("fe80:0:0:0::/64");
    }

    @Test
    void anything_but_an_ip_literal_is_no_address_and_is_never_looked_up() {
        assertThat(ClientAddress.of(null)).isEmpty();
        assertThat(ClientAddress.of("")).isEmpty();
        assertThat(ClientAddress.of("localhost")).isEmpty();
        assertThat(ClientAddress.of("example.com")).isEmpty();
        assertThat(ClientAddress.of("999.1.1.1")).isEmpty();
        assertThat(ClientAddress.of("1.2.3.4, 5.6.7.8")).isEmpty();
        assertThat(ClientAddress.of("::g")).isEmpty();
    }
}
