package io.weir.testing;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A TLS server on loopback: answers each line with {@code NAME SNI LINE}, SNI being the name the client sent. */
public final class TlsBackend implements AutoCloseable {

    private final String name;
    private final SSLServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();

    private TlsBackend(String name) throws IOException {
        this.name = name;
        this.server = (SSLServerSocket) TestTls.context().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "tls-backend-" + name);
        t.setDaemon(true);
        t.start();
    }

    public static TlsBackend named(String name) throws IOException {
        return new TlsBackend(name);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                SSLSocket s = (SSLSocket) server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "tls-backend-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket s) {
        try (s) {
            s.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            String line;
            while ((line = in.readLine()) != null) {
                String sni = ((ExtendedSSLSession) s.getSession()).getRequestedServerNames().stream()
                        .map(n -> ((SNIHostName) n).getAsciiName()).findFirst().orElse("-");
                out.write((name + " " + sni + " " + line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    public int connections() {
        return connections.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
