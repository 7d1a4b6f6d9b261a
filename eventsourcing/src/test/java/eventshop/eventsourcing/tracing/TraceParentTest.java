package eventshop.eventsourcing.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.test.simple.SimpleTracer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceParentTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    @Test
    void aValidHeader_readsAndWritesBackTheSame() {
        TraceParent parent = TraceParent.parse("00-" + TRACE + "-" + SPAN + "-01").orElseThrow();

        assertThat(parent).isEqualTo(new TraceParent(TRACE, SPAN, true));
        assertThat(parent.value()).isEqualTo("00-" + TRACE + "-" + SPAN + "-01");
        assertThat(TraceParent.parse("00-" + TRACE + "-" + SPAN + "-00").orElseThrow().sampled()).isFalse();
    }

    @Test
    void aLaterVersionWithMoreFields_isStillRead() {
        assertThat(TraceParent.parse("01-" + TRACE + "-" + SPAN + "-03-extra")).contains(new TraceParent(TRACE, SPAN, true));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "garbage", "00-" + TRACE + "-" + SPAN, "00-" + TRACE + "-" + SPAN + "-zz",
            "00-" + TRACE + "-" + SPAN + "-1", "ff-" + TRACE + "-" + SPAN + "-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + SPAN + "-01", "00-" + TRACE + "-00F067AA0BA902B7-01",
            "00-00000000000000000000000000000000-" + SPAN + "-01", "00-" + TRACE + "-0000000000000000-01",
            "00-4bf92f3577b34da6-" + SPAN + "-01", "00-" + TRACE + "-00f067aa-01"})
    void anInvalidHeader_isNoParent(String value) {
        assertThat(TraceParent.parse(value)).isEmpty();
    }

    @Test
    void invalidIds_areRefused() {
        assertThatThrownBy(() -> new TraceParent("abc", SPAN, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TraceParent(TRACE, "0".repeat(16), true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSpanStartedFromHeaders_isAChildOfTheirParent_orARootWithoutOne() {
        SimpleTracer tracer = new SimpleTracer();

        Span child = TraceParent.start(tracer, "consume x", Span.Kind.CONSUMER,
                Map.of(TraceParent.HEADER, "00-" + TRACE + "-" + SPAN + "-01"));
        Span root = TraceParent.start(tracer, "consume y", Span.Kind.CONSUMER, Map.of(TraceParent.HEADER, "broken"));

        assertThat(child.context().traceId()).isEqualTo(TRACE);
        assertThat(child.context().parentId()).isEqualTo(SPAN);
        assertThat(root.context().traceId()).isNotEqualTo(TRACE);
        assertThat(root.context().parentId()).isNullOrEmpty();
        assertThat(TraceParent.of(child.context()).value()).isEqualTo("00-" + TRACE + "-" + child.context().spanId()
                + "-01");
    }
}
