package eventshop.eventsourcing.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Where spans go: over OTLP to the endpoint {@value ObservationDefaults#OTLP_ENDPOINT_VARIABLE} names, and nowhere
 * without one, with Boot's tracing auto-configuration as the services run it and the starter's defaults.
 */
class TracingExportTest {

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withInitializer(context -> new ObservationDefaults().postProcessEnvironment(context.getEnvironment(),
                    new SpringApplication()))
            .withPropertyValues("spring.application.name=orders")
            .withConfiguration(AutoConfigurations.of(OpenTelemetrySdkAutoConfiguration.class,
                    OpenTelemetryTracingAutoConfiguration.class, OtlpTracingAutoConfiguration.class,
                    MicrometerTracingAutoConfiguration.class));

    private HttpServer collector;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    record Received(String method, String path, String contentType, byte[] body) {
    }

    @BeforeEach
    void startACollector() throws IOException {
        collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
    }

    @AfterEach
    void stopTheCollector() {
        collector.stop(0);
    }

    @Test
    void withAnEndpoint_spansAreExportedOverOtlp() {
        String endpoint = "http://localhost:" + collector.getAddress().getPort() + "/v1/traces";
        contexts.withPropertyValues(ObservationDefaults.OTLP_ENDPOINT_VARIABLE + "=" + endpoint).run(context -> {
            assertThat(context).hasSingleBean(OtlpHttpSpanExporter.class);
            Tracer tracer = context.getBean(Tracer.class);

            Span span = tracer.nextSpan().name("publish orders.events").start();
            span.end();
            context.getBean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS);

            assertThat(received).singleElement().satisfies(request -> {
                assertThat(request.method()).isEqualTo("POST");
                assertThat(request.path()).isEqualTo("/v1/traces");
                assertThat(request.contentType()).isEqualTo("application/x-protobuf");
                assertThat(new String(request.body(), StandardCharsets.ISO_8859_1))
                        .contains("publish orders.events").contains("orders");
            });
        });
    }

    @Test
    void withoutAnEndpoint_noExporterExists_andNothingIsSent() {
        contexts.run(context -> {
            assertThat(context).doesNotHaveBean(OtlpHttpSpanExporter.class).doesNotHaveBean(SpanExporter.class);
            assertThat(context.getEnvironment().getProperty("management.tracing.sampling.probability"))
                    .isEqualTo("1.0");
            Span span = context.getBean(Tracer.class).nextSpan().name("publish orders.events").start();
            span.end();
            assertThat(span.context().sampled()).isTrue();
            context.getBean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS);
        });
        assertThat(received).isEmpty();
    }

    @Test
    void aBlankEndpoint_countsAsNone() {
        contexts.withPropertyValues(ObservationDefaults.OTLP_ENDPOINT_VARIABLE + "= ").run(context -> {
            assertThat(context).doesNotHaveBean(OtlpHttpSpanExporter.class);
            assertThat(context.getEnvironment().containsProperty(ObservationDefaults.OTLP_ENDPOINT_PROPERTY)).isFalse();
        });
    }
}
