package eventshop.eventsourcing.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.test.simple.SimpleTracer;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CommandContextsTest {

    private final UUID commandId = new UUID(1, 2);

    @Test
    void withoutTracing_theContextCarriesNoTraceHeader() {
        CommandContext context = new CommandContexts(null, () -> commandId).create("alice", null);

        assertThat(context.commandId()).isEqualTo(commandId);
        assertThat(context.correlationId()).isEqualTo(commandId.toString());
        assertThat(context.actingUser()).isEqualTo("alice");
        assertThat(context.headers()).isEmpty();
    }

    @Test
    void aGivenCorrelationIdContinuesTheConversation() {
        CommandContext context = new CommandContexts(null, () -> commandId).create("", "checkout-42");

        assertThat(context.correlationId()).isEqualTo("checkout-42");
    }

    @Test
    void anOverlongCorrelationIdIsReplaced() {
        CommandContext context = new CommandContexts(null, () -> commandId).create("", "x".repeat(201));

        assertThat(context.correlationId()).isEqualTo(commandId.toString());
    }

    @Test
    void theCurrentSpanBecomesATraceparentHeader() {
        Tracer tracer = new SimpleTracer();
        Span span = tracer.nextSpan().name("checkout").start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            CommandContext context = new CommandContexts(tracer, () -> commandId).create("bob", null);

            assertThat(context.headers().get(CommandContexts.TRACEPARENT))
                    .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]")
                    .contains(span.context().spanId());
        } finally {
            span.end();
        }
    }
}
