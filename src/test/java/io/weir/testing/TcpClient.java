package io.weir.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A blocking TCP client for tests, with a read timeout so a hang fails instead of blocking the build. */
public final class TcpClient implements AutoCloseable {

    private final Socket socket;

    private TcpClient(Socket socket) {
        this.socket = socket;
    }

    public static TcpClient connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(20_000);
        s.setTcpNoDelay(true);
        return new TcpClient(s);
    }

    public Socket socket() {
        return socket;
    }

    public TcpClient send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads exactly {@code n} bytes. */
    public String read(int n) throws IOException {
        byte[] buf = socket.getInputStream().readNBytes(n);
        return new String(buf, StandardCharsets.ISO_8859_1);
    }

    /** Reads up to and including the next newline. */
    public String readLine() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        int b;
        while ((b = in.read()) >= 0) {
            out.write(b);
            if (b == '\n') {
                break;
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads until the peer's FIN. */
    public String readToEnd() throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads until the peer closes and returns what came first: an empty string when it closed without a
     * byte. A close with unread input is a reset in TCP, so a reset also reads as "".
     */
    public String readUntilClosed() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            socket.getInputStream().transferTo(out);
        } catch (java.net.SocketException e) {
            if (!String.valueOf(e.getMessage()).contains("reset")) {
                throw e;
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Closes with RST instead of FIN. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
