package eventshop.edge.routing;

import eventshop.edge.problems.EdgeProblem;
import eventshop.edge.problems.Problems;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * A request body of unknown length ({@code Transfer-Encoding: chunked}) is read whole before it is forwarded, at most
 * edge's limit on a body: an empty one is forwarded as no body ({@code Content-Length: 0}), any other as its bytes.
 *
 * <p>Why: the gateway forwards a body as a stream of unknown length (it drops the {@code Content-Length}), which the
 * JDK's client sends chunked, unless the servlet's body is already finished, as an empty body with
 * {@code Content-Length: 0} is from the start. An empty chunked body is not finished until it is read, so it went as
 * a stream that completes, without a byte, the moment the JDK's client subscribes to it; the JDK's HTTP/1.1 exchange
 * (JDK 25, {@code Http1Exchange.sendBodyAsync}) can then get the stream's last chunk before it has stored its body
 * subscriber, and asks that null subscriber for more: a {@link NullPointerException}, now and then, which failed the
 * call (a 500). Found by fuzzing every endpoint. Read here, the empty body is finished and goes as no body. Reading
 * the body also holds a chunked one to the limit, which the gateway's {@code requestSize} checks only against a
 * {@code Content-Length}: a larger one is a 413 problem and never reaches the service; a malformed one a 400.
 */
final class KnownLengthBodies {

    private KnownLengthBodies() {
    }

    /** The before-filter: a request with a body of unknown length gets its body read, and its length known. */
    static Function<ServerRequest, ServerRequest> atMost(DataSize limit) {
        long most = limit.toBytes();
        return request -> {
            HttpServletRequest servlet = request.servletRequest();
            if (servlet.getContentLengthLong() >= 0 || servlet.getHeader(HttpHeaders.TRANSFER_ENCODING) == null) {
                return request;
            }
            byte[] body;
            try {
                body = servlet.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, most + 1));
            } catch (IOException unreadable) {
                // a malformed chunk, or the client went away in the middle of its body
                throw new EdgeProblem(Problems.problem(HttpStatus.BAD_REQUEST, "malformed-request", "Bad Request",
                        "the request body cannot be read: its chunks are malformed or it ended early"));
            }
            if (body.length > most) {
                throw EdgeProblem.payloadTooLarge(most);
            }
            return ServerRequest.create(new ReadBody(servlet, body), request.messageConverters());
        };
    }

    /** The request with its body read: the bytes, their length, no {@code Transfer-Encoding}. */
    private static final class ReadBody extends HttpServletRequestWrapper {

        private final byte[] body;
        private final ByteArrayInputStream bytes;
        private final ServletInputStream stream;

        ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
            this.bytes = new ByteArrayInputStream(body);
            this.stream = new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return bytes.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read: read it blocking");
                }

                @Override
                public int read() {
                    return bytes.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return bytes.read(buffer, offset, length);
                }
            };
        }

        @Override
        public ServletInputStream getInputStream() {
            return stream;
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(stream, charset));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public String getHeader(String name) {
            if (HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                return String.valueOf(body.length);
            }
            return HttpHeaders.TRANSFER_ENCODING.equalsIgnoreCase(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if (HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                return Collections.enumeration(List.of(String.valueOf(body.length)));
            }
            return HttpHeaders.TRANSFER_ENCODING.equalsIgnoreCase(name) ? Collections.emptyEnumeration()
                    : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (String name : Collections.list(super.getHeaderNames())) {
                if (!HttpHeaders.TRANSFER_ENCODING.equalsIgnoreCase(name) && !HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                    names.add(name);
                }
            }
            names.add(HttpHeaders.CONTENT_LENGTH);
            return Collections.enumeration(names);
        }
    }
}
