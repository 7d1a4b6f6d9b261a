package eventshop.launcher.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceIdsConverterTest {

    private final TraceIdsConverter converter = new TraceIdsConverter();

    @Test
    void aLineInASpan_showsItsTraceAndSpanIds() {
        assertThat(converter.convert(event(Map.of("traceId", "4bf92f3577b34da6a3ce929d0e0e4736",
                "spanId", "00f067aa0ba902b7")))).isEqualTo("[4bf92f3577b34da6a3ce929d0e0e4736,00f067aa0ba902b7] ");
    }

    @Test
    void aLineOutsideASpan_showsNothing() {
        assertThat(converter.convert(event(Map.of()))).isEmpty();
        assertThat(converter.convert(event(Map.of("traceId", "")))).isEmpty();
    }

    private static LoggingEvent event(Map<String, String> mdc) {
        LoggingEvent event = new LoggingEvent();
        event.setMDCPropertyMap(mdc);
        return event;
    }
}
