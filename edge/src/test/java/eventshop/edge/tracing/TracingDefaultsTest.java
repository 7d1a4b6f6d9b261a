package eventshop.edge.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class TracingDefaultsTest {

    @Test
    void theEndpointVariable_turnsTheOtlpExporterOn() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty(TracingDefaults.OTLP_ENDPOINT_VARIABLE, " http://collector:4318/v1/traces ");

        new TracingDefaults().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty(TracingDefaults.OTLP_ENDPOINT_PROPERTY))
                .isEqualTo("http://collector:4318/v1/traces");
        assertThat(environment.getProperty("management.tracing.sampling.probability")).isEqualTo("1.0");
    }

    @Test
    void noEndpoint_orABlankOne_setsNone_soNothingIsExported() {
        MockEnvironment none = new MockEnvironment();
        MockEnvironment blank = new MockEnvironment().withProperty(TracingDefaults.OTLP_ENDPOINT_VARIABLE, "  ");

        new TracingDefaults().postProcessEnvironment(none, new SpringApplication());
        new TracingDefaults().postProcessEnvironment(blank, new SpringApplication());

        assertThat(none.containsProperty(TracingDefaults.OTLP_ENDPOINT_PROPERTY)).isFalse();
        assertThat(blank.containsProperty(TracingDefaults.OTLP_ENDPOINT_PROPERTY)).isFalse();
    }

    @Test
    void whatTheApplicationSets_wins() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("management.tracing.sampling.probability", "0.25");

        new TracingDefaults().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("management.tracing.sampling.probability")).isEqualTo("0.25");
    }
}
