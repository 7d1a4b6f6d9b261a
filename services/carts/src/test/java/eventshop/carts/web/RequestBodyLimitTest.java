package eventshop.carts.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The 64 KiB body limit, also for bodies sent without a Content-Length (chunked). */
class RequestBodyLimitTest {

    private final RequestBodyLimit filter = new RequestBodyLimit(65536);
    private final MockHttpServletResponse response = new MockHttpServletResponse();
    private final AtomicReference<ServletRequest> passedOn = new AtomicReference<>();

    @Test
    void aDeclaredLengthAboveTheLimit_is413_andGoesNoFurther() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/cart/items");
        request.setContent(new byte[65537]);

        filter.doFilter(request, response, (req, res) -> passedOn.set(req));

        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getContentAsString()).contains("\"type\":\"/problems/payload-too-large\"");
        assertThat(passedOn.get()).isNull();
    }

    @Test
    void aChunkedBodyAboveTheLimit_is413() throws Exception {
        filter.doFilter(chunked(new byte[100_000]), response, (req, res) -> passedOn.set(req));

        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(passedOn.get()).isNull();
    }

    @Test
    void aChunkedBodyWithinTheLimit_isPassedOnWhole() throws Exception {
        byte[] body = "{\"sku\":\"SKU-1\",\"quantity\":1}".getBytes(StandardCharsets.UTF_8);
        AtomicReference<byte[]> read = new AtomicReference<>();

        filter.doFilter(chunked(body), response, (req, res) -> read.set(req.getInputStream().readAllBytes()));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(read.get()).isEqualTo(body);
    }

    @Test
    void exactlyTheLimit_isAccepted() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/cart/items");
        request.setContent(new byte[65536]);

        filter.doFilter(request, response, (req, res) -> passedOn.set(req));

        assertThat(passedOn.get()).isNotNull();
    }

    private static MockHttpServletRequest chunked(byte[] body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/cart/items") {
            @Override
            public long getContentLengthLong() {
                return -1;
            }

            @Override
            public int getContentLength() {
                return -1;
            }
        };
        request.setContent(body);
        request.addHeader("Transfer-Encoding", "chunked");
        return request;
    }
}
