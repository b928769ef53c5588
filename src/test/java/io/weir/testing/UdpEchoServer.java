package io.weir.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Answers each datagram with {@code NAME SENDER_PORT PAYLOAD}, so a test sees which socket Weir sent from. */
public final class UdpEchoServer implements AutoCloseable {

    private final String name;
    private final DatagramSocket socket;

    private UdpEchoServer(String name) throws IOException {
        this.name = name;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::serve, "udp-echo-" + name);
        t.setDaemon(true);
        t.start();
    }

    public static UdpEchoServer named(String name) throws IOException {
        return new UdpEchoServer(name);
    }

    private void serve() {
        byte[] buf = new byte[65_536];
        while (!socket.isClosed()) {
            try {
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                socket.receive(in);
                String payload = new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
                byte[] reply = (name + " " + in.getPort() + " " + payload).getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    @Override
    public void close() {
        socket.close();
    }
}
