package eventshop.eventsourcing.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.test.simple.SimpleTracer;
import java.util.Map;
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

    @Test
    void workInASpan_continuesTheStoredTrace_andItsCommandsNameThatSpan() {
        SimpleTracer tracer = new SimpleTracer();
        CommandContexts contexts = new CommandContexts(tracer, () -> commandId);
        String stored = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        CommandContext context = contexts.inSpan("deadline DELIVER", Map.of(CommandContexts.TRACEPARENT, stored),
                () -> contexts.create("", "checkout-42"));

        Span span = tracer.onlySpan();
        assertThat(span.context().traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(span.context().parentId()).isEqualTo("00f067aa0ba902b7");
        assertThat(context.headers()).containsEntry(CommandContexts.TRACEPARENT,
                "00-4bf92f3577b34da6a3ce929d0e0e4736-" + span.context().spanId() + "-01");
        assertThat(tracer.currentSpan()).as("the span is ended and out of scope").isNull();
    }

    @Test
    void workInASpan_withoutTracing_justRuns() {
        CommandContexts contexts = new CommandContexts(null, () -> commandId);

        CommandContext context = contexts.inSpan("deadline DELIVER", Map.of(), () -> contexts.create("", null));

        assertThat(context.headers()).isEmpty();
    }
}
