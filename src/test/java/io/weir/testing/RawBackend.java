package io.weir.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that misbehaves on purpose: for each connection it reads a request head, then runs the
 * test's script on the raw socket (write broken framing, reset mid-response, never answer, …).
 */
public final class RawBackend implements AutoCloseable {

    /** What to do with one connection once a request head has been read. */
    @FunctionalInterface
    public interface Script {
        void run(Socket socket, String requestHead) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);

    private RawBackend(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    sockets.add(s);
                    Thread t = new Thread(() -> serve(s, script), "raw-backend-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "raw-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static RawBackend start(Script script) throws IOException {
        return new RawBackend(script);
    }

    /** Answers each request with these exact bytes, then keeps the connection open. */
    public static RawBackend answering(String rawResponse) throws IOException {
        return start((s, head) -> write(s, rawResponse));
    }

    public static void write(Socket s, String raw) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Resets the connection (RST, not FIN). */
    public static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    private void serve(Socket s, Script script) {
        try (s) {
            InputStream in = s.getInputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                heads.add(head);
                script.run(s, head);
                if (s.isClosed()) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // The script or the peer ended the connection.
        }
    }

    /** Blocks the calling script until the test releases it (for "never answers" backends). */
    public void awaitRelease() throws InterruptedException {
        released.await();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int state = 0;
        int b;
        while ((b = in.read()) >= 0) {
            buf.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) ? state + 1
                    : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return buf.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    public int port() {
        return server.getLocalPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    public List<String> heads() {
        return heads;
    }

    public int connections() {
        return connections.get();
    }

    @Override
    public void close() throws IOException {
        released.countDown();
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
