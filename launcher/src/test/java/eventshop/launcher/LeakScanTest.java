package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@link LeakScan}: it finds what it is for (so that a scan that finds nothing means something), and not the logs' ordinary lines. */
class LeakScanTest {

    private final LeakScan scan = new LeakScan().secret("Correct-Horse-7731").secret("048213").card("4000000000000002");

    @ParameterizedTest
    @ValueSource(strings = {
            "12:00:00.000 INFO  accounts  e.a.Registrations registering with Correct-Horse-7731",
            "12:00:00.000 WARN  accounts  e.a.Confirmations wrong code 048213 for acc-1",
            "12:00:00.000 DEBUG edge      o.s.s.Filter token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY2MtMSJ9.c2lnbmF0dXJl",
            "12:00:00.000 DEBUG edge      o.s.s.Filter token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY2MtMSJ9.",
            "headers={Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l}",
            "\"authorization\":\"x\"",
            "calling http://localhost:8086 with Bearer abcdefgh.ijkl.mnop",
            "request body {\"email\":\"a@example.com\",\"password\":\"hunter2-long\"}",
            "login failed: password=hunter2-long",
            "tokenizing 4242424242424242",
            "tokenizing 4242 4242 4242 4242 for acc-1",
            "tokenizing 4242-4242-4242-4242.",
            "card 5555555555554444 (Mastercard)",
            "card 2223003122003222 (Mastercard 2-series)",
            "card 378282246310005 (Amex)",
            "card 6011111111111117 (Discover)",
            "declined 4000 0000 0000 0002",
            "declined 4000-0000-0000-0002"})
    void findsEachKindOfLeak(String line) {
        assertThat(scan.findings("12:00:00.000 INFO  ok  nothing here\n" + line + "\n")).hasSize(1)
                .allSatisfy(finding -> assertThat(finding).endsWith(line));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "12:00:00.000 INFO  payments  [0cfc9a5840277c5b617f5e784f66b213,4f58fbfe5dc9c4e9] e.p.c.Cards tokenized a VISA card ending 4242 for customer ce61e6d2-bff6-4955-bc92-d515f84893c2 as tok_2a95919863354fab8694402d7b6817a0",
            "12:00:00.000 INFO  accounts  e.a.admin.AdminBootstrap the administrator account exists; its password is left as it is",
            "\tssl.key.password = null",
            "\tsasl.jaas.config = [hidden]",
            "failedMessage=GenericMessage [payload=byte[39], headers={kafka_offset=203, kafka_receivedTimestamp=1796625008737}]",
            "FSYNC crash test, seed 1642919243712156599: 20 rounds",
            "Kafka startTimeMs: 1796624474526",
            "order 4242424242424241 is not a card (check digit)",
            "position 9007199254740993 of a log",
            "an id 1234-5678-9012-3456-7890 of five groups",
            "the header WWW-Authenticate: Bearer error=\"invalid_token\""})
    void leavesTheLogsOrdinaryLinesAlone(String line) {
        assertThat(scan.findings(line)).isEmpty();
    }

    @Test
    void aBlankSecret_isRefused_itWouldMatchEverywhere() {
        assertThatThrownBy(() -> new LeakScan().secret(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LeakScan().card("42")).isInstanceOf(IllegalArgumentException.class);
    }
}
