package eventshop.eventsourcing.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AckWindowTest {

    @Test
    void theAcknowledgedPosition_onlyCoversAGaplessPrefix() {
        AckWindow window = new AckWindow(-1);
        for (long p = 0; p < 5; p++) {
            window.sending(p);
        }

        assertThat(window.acknowledge(1)).isTrue();
        assertThat(window.acknowledge(3)).isTrue();
        assertThat(window.acknowledged()).isEqualTo(-1);

        assertThat(window.acknowledge(0)).isTrue();
        assertThat(window.acknowledged()).isEqualTo(1);

        assertThat(window.acknowledge(2)).isTrue();
        assertThat(window.acknowledged()).isEqualTo(3);
        assertThat(window.unsettled()).isEqualTo(1);
    }

    @Test
    void duplicateAndForeignAcknowledgements_settleNothing() {
        AckWindow window = new AckWindow(9);
        window.sending(10);
        window.sending(11);

        assertThat(window.acknowledge(10)).isTrue();
        assertThat(window.acknowledge(10)).isFalse();
        assertThat(window.acknowledge(9)).isFalse();
        assertThat(window.acknowledge(12)).isFalse();
        assertThat(window.unsettled()).isEqualTo(1);
    }

    @Test
    void aFailedSend_settlesButIsNeverAcknowledged() {
        AckWindow window = new AckWindow(-1);
        window.sending(0);
        window.sending(1);
        window.sending(2);

        assertThat(window.fail(0)).isTrue();
        assertThat(window.fail(0)).isFalse();
        window.acknowledge(1);
        window.acknowledge(2);

        assertThat(window.unsettled()).isZero();
        assertThat(window.acknowledged()).isEqualTo(-1);
    }

    @Test
    void aSendReportedFailed_andThenThrown_settlesOnce() {
        // given two sends in flight, and a third the binder reports as failed on its error channel, then throws
        AckWindow window = new AckWindow(-1);
        window.sending(0);
        window.sending(1);
        window.sending(2);
        assertThat(window.fail(2)).isTrue();

        // when the relay takes back the send that threw
        window.unsend(2);

        // then the two before it are still in flight, and it can be sent again
        assertThat(window.unsettled()).isEqualTo(2);
        assertThat(window.sent()).isEqualTo(1);
        window.acknowledge(0);
        assertThat(window.unsettled()).isOne();
        window.sending(2);
        assertThat(window.acknowledge(2)).isTrue();
        assertThat(window.acknowledge(1)).isTrue();
        assertThat(window.unsettled()).isZero();
        assertThat(window.acknowledged()).isEqualTo(2);
    }

    @Test
    void theOnlySendInFlight_reportedFailedAndThrown_leavesNothingInFlight() {
        AckWindow window = new AckWindow(4);
        window.sending(5);
        window.fail(5);

        window.unsend(5);

        assertThat(window.unsettled()).isZero();
        assertThat(window.sent()).isEqualTo(4);
    }

    @Test
    void restart_forgetsWhatWasInFlight() {
        AckWindow window = new AckWindow(-1);
        window.sending(0);
        window.sending(1);
        window.acknowledge(1);

        window.restart(window.acknowledged());

        assertThat(window.unsettled()).isZero();
        assertThat(window.sent()).isEqualTo(-1);
        window.sending(0);
        window.sending(1);
        window.acknowledge(0);
        assertThat(window.acknowledged()).isZero();
    }

    @Test
    void positionsMissingFromTheLog_countAsAcknowledged() {
        AckWindow window = new AckWindow(-1);
        window.sending(0);
        window.sending(3);

        window.acknowledge(0);

        assertThat(window.acknowledged()).isEqualTo(2);
        window.acknowledge(3);
        assertThat(window.acknowledged()).isEqualTo(3);
    }

    @Test
    void aLongRun_staysCompact() {
        AckWindow window = new AckWindow(-1);
        for (long p = 0; p < 300_000; p++) {
            window.sending(p);
            if (p % 2 == 1) {
                window.acknowledge(p);
                window.acknowledge(p - 1);
            }
        }
        assertThat(window.acknowledged()).isEqualTo(299_999);
        assertThat(window.unsettled()).isZero();
    }
}
