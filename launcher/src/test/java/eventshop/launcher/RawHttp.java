package eventshop.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 on a plain socket, byte for byte as given: the request target, the headers and the body go
 * out unchecked and unnormalised (no client library in between that would refuse a header, resolve a
 * {@code ..} or encode a path), so a test can send what a careless or hostile client sends. One request
 * per connection ({@code Connection: close}); the answer is read to the end of the stream.
 */
final class RawHttp {

    /** An answer: status, headers (names in lower case, the last value of each), body text. */
    record Answer(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + headers.getOrDefault("content-type", "(no content type)") + " "
                    + (body.length() > 400 ? body.substring(0, 400) + "..." : body);
        }
    }

    private final String host;
    private final int port;

    RawHttp(URI base) {
        this.host = base.getHost();
        this.port = base.getPort();
    }

    /**
     * Sends one request. {@code headers} are sent in order as given; {@code Host} and {@code Connection}
     * are added, and {@code Content-Length} when there is a body and {@code chunked} is false (with
     * {@code chunked}, the body goes as one chunk of {@code Transfer-Encoding: chunked}, an empty one as the last chunk
     * alone).
     */
    Answer send(String method, String target, Map<String, String> headers, byte[] body, boolean chunked) {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(30_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            write(request, method + " " + target + " HTTP/1.1\r\n");
            write(request, "Host: " + host + ":" + port + "\r\n");
            write(request, "Connection: close\r\n");
            for (Map.Entry<String, String> header : headers.entrySet()) {
                request.write((header.getKey() + ": ").getBytes(StandardCharsets.ISO_8859_1));
                request.write(header.getValue().getBytes(StandardCharsets.UTF_8));
                write(request, "\r\n");
            }
            if (body != null && chunked) {
                write(request, "Transfer-Encoding: chunked\r\n\r\n");
                if (body.length > 0) {
                    write(request, Integer.toHexString(body.length) + "\r\n");
                    request.write(body);
                    write(request, "\r\n");
                }
                write(request, "0\r\n\r\n");
            } else if (body != null) {
                write(request, "Content-Length: " + body.length + "\r\n\r\n");
                request.write(body);
            } else {
                write(request, "\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + target + " failed", e);
        }
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads the whole answer; a server that closes before reading all of a large body is fine. */
    private static Answer read(InputStream in) throws IOException {
        byte[] all;
        try {
            all = in.readAllBytes();
        } catch (java.net.SocketException reset) {
            throw new IOException("the connection was reset before an answer was read", reset);
        }
        int headEnd = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (headEnd < 0) {
            throw new IOException("not an HTTP answer: " + new String(all, StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(all, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(all, headEnd + 4, all.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] unchunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, "\r\n".getBytes(StandardCharsets.ISO_8859_1), at);
            String size = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int length = Integer.parseInt(size.contains(";") ? size.substring(0, size.indexOf(';')) : size.trim(), 16);
            if (length == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, length);
            at = lineEnd + 2 + length + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] part) {
        return indexOf(data, part, 0);
    }

    private static int indexOf(byte[] data, byte[] part, int from) {
        outer:
        for (int i = from; i <= data.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
