package eventshop.edge.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/** A service's bulkhead: calls beyond the limit refused at once, places given back however a call ends. */
class BulkheadsTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Bulkheads bulkheads = new Bulkheads(2, Duration.ofSeconds(1), registry);
    final HandlerFilterFunction<ServerResponse, ServerResponse> carts = bulkheads.of("carts");

    @Test
    void callsBeyondTheLimit_areRefusedAtOnce_with503Overloaded_andOtherServicesAreNotAffected() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inside = new CountDownLatch(2);
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ServerResponse>> held = List.of(
                    callers.submit(() -> carts.filter(request(), request -> hold(inside, release))),
                    callers.submit(() -> carts.filter(request(), request -> hold(inside, release))));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

            ServerResponse refused = carts.filter(request(), request -> ServerResponse.ok().build());

            assertThat(refused.statusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(refused.headers().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
            assertThat(refused.headers().getContentType()).hasToString("application/problem+json");
            assertThat(registry.get("edge.bulkhead.refused").tag("service", "carts").counter().count()).isEqualTo(1);
            assertThat(bulkheads.of("orders").filter(request(), request -> ServerResponse.ok().build()).statusCode())
                    .isEqualTo(HttpStatus.OK);
            release.countDown();
            for (Future<ServerResponse> call : held) {
                assertThat(call.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(HttpStatus.OK);
            }
        }
        assertThat(bulkheads.inFlight("carts")).isZero();
        assertThat(carts.filter(request(), request -> ServerResponse.ok().build()).statusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void aCallThatFails_givesItsPlaceBack() {
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> carts.filter(request(), request -> {
                throw new IOException("connection refused");
            })).isInstanceOf(IOException.class);
        }

        assertThat(bulkheads.inFlight("carts")).isZero();
    }

    @Test
    void aLimitBelowOne_isRefusedAtStart() {
        assertThatThrownBy(() -> new Bulkheads(0, Duration.ofSeconds(1), registry))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-concurrent-calls");
    }

    private static ServerResponse hold(CountDownLatch inside, CountDownLatch release) throws InterruptedException {
        inside.countDown();
        assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
        return ServerResponse.ok().build();
    }

    private static ServerRequest request() {
        return ServerRequest.create(new MockHttpServletRequest("POST", "/api/cart/items"), List.of());
    }
}
