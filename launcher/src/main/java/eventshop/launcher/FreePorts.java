package eventshop.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Free TCP ports (for tests and the training run), never the same one twice in this JVM: taking ports one at a time with
 * a socket bound to port 0 can hand out a port just released again.
 */
final class FreePorts {

    private static final ConcurrentLinkedQueue<Integer> GIVEN = new ConcurrentLinkedQueue<>();

    private FreePorts() {
    }

    static synchronized int next() {
        List<ServerSocket> held = new ArrayList<>();
        try {
            while (true) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                int port = socket.getLocalPort();
                if (!GIVEN.contains(port)) {
                    GIVEN.add(port);
                    return port;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a probe socket
                }
            }
        }
    }
}
