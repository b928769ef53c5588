package io.weir.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP backend on loopback, one thread per connection. It greets each connection with its name and a
 * newline, then echoes what it reads; at the client's FIN it writes {@code <eof>} and closes (so a client that
 * shut down its writing side can still read the reply). Reading the text {@code reset} makes it reset the
 * connection; a reset from the other end is counted.
 */
public final class TcpBackend implements AutoCloseable {

    private final String name;
    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger resetsSeen = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private TcpBackend(String name) throws IOException {
        this.name = name;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-backend-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static TcpBackend named(String name) throws IOException {
        return new TcpBackend(name);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "tcp-backend-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            OutputStream out = s.getOutputStream();
            out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (new String(buf, 0, n, StandardCharsets.US_ASCII).contains("reset")) {
                    s.setSoLinger(true, 0);
                    return;
                }
                out.write(buf, 0, n);
                out.flush();
            }
            out.write("<eof>".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (SocketException e) {
            if (String.valueOf(e.getMessage()).contains("reset")) {
                resetsSeen.incrementAndGet();
            }
        } catch (IOException e) {
            // The peer went away.
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getLocalPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    public int connections() {
        return connections.get();
    }

    public int resetsSeen() {
        return resetsSeen.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
