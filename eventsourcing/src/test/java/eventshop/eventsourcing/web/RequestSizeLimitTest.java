package eventshop.eventsourcing.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

class RequestSizeLimitTest {

    record Note(String text) {
    }

    @RestController
    static class Notes {
        final AtomicInteger stored = new AtomicInteger();

        @PostMapping("/notes")
        Note add(@RequestBody Note note) {
            stored.incrementAndGet();
            return note;
        }
    }

    private final Notes notes = new Notes();
    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(notes).setControllerAdvice(new Problems())
            .addFilters(new RequestSizeLimit(100)).build();

    @Test
    void aBodyWithinTheLimit_passes() throws Exception {
        mvc.perform(post("/notes").contentType(MediaType.APPLICATION_JSON).content("{\"text\":\"short\"}"))
                .andExpect(status().isOk());
        assertThat(notes.stored).hasValue(1);
    }

    @Test
    void aDeclaredLengthOverTheLimit_is413Problem_andNothingRuns() throws Exception {
        String big = "{\"text\":\"" + "x".repeat(200) + "\"}";
        mvc.perform(post("/notes").contentType(MediaType.APPLICATION_JSON).content(big))
                .andExpect(status().is(413))
                .andExpect(jsonPath("$.type").value("/problems/payload-too-large"));
        assertThat(notes.stored).hasValue(0);
    }

    @Test
    void aChunkedBodyOverTheLimit_failsWhileBeingRead() throws Exception {
        MockHttpServletRequest chunked = new MockHttpServletRequest("POST", "/notes") {
            @Override
            public long getContentLengthLong() {
                return -1;
            }
        };
        chunked.setContent(new byte[500]);
        new RequestSizeLimit(100).doFilter(chunked, new MockHttpServletResponse(), (request, response) ->
                assertThatThrownBy(() -> request.getInputStream().readAllBytes())
                        .isInstanceOf(RequestSizeLimit.RequestTooLarge.class));
    }
}
