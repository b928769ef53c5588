package io.weir.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The new Weir's end of an upgrade ({@link Handover}): takes the running Weir's listening sockets, and later
 * tells it to drain. Blocking, on the caller's thread (the command line, before this Weir serves anything).
 */
public final class HandoverClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Object CLOSED = new Object();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("weir-handover", true), EpollIoHandler.newFactory());
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final Duration timeout;
    private Channel channel;
    private long oldPid;

    private HandoverClient(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Connects to the Weir serving upgrades at {@code path} and takes its listening sockets.
     *
     * @throws IOException when nothing answers there, or the exchange fails (the old Weir carries on)
     */
    public static HandoverClient connect(Path path, Duration timeout) throws IOException, InterruptedException {
        HandoverClient client = new HandoverClient(timeout);
        try {
            client.open(path);
            return client;
        } catch (IOException | InterruptedException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void open(Path path) throws IOException, InterruptedException {
        try {
            channel = new Bootstrap().group(group).channel(EpollDomainSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new LineBasedFrameDecoder(Handover.MAX_LINE),
                                    new StringDecoder(StandardCharsets.UTF_8), new StringEncoder(StandardCharsets.UTF_8),
                                    new ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                            received.add(msg);
                                        }

                                        @Override
                                        public void channelInactive(ChannelHandlerContext ctx) {
                                            received.add(CLOSED);
                                        }
                                    });
                        }
                    }).connect(new DomainSocketAddress(path.toFile())).sync().channel();
        } catch (Exception e) {
            throw new IOException("no Weir answers at " + path + " (" + e.getMessage() + "); is the running one "
                    + "started with this --handover-socket, on Linux (epoll)?", e);
        }
    }

    /** Asks for the sockets; returns them, ready for this Weir's listeners to take. */
    public ListenSockets take() throws IOException, InterruptedException {
        send(Handover.LIST);
        JsonNode list = JSON.readTree(line());
        oldPid = list.path("pid").asLong();
        List<JsonNode> sockets = new ArrayList<>();
        list.path("sockets").forEach(sockets::add);
        ((EpollDomainSocketChannel) channel).config().setReadMode(DomainSocketReadMode.FILE_DESCRIPTORS);
        send(Handover.FDS);
        List<ListenSockets.Inherited> inherited = new ArrayList<>();
        for (JsonNode s : sockets) {
            FileDescriptor fd = expect(FileDescriptor.class);
            inherited.add(new ListenSockets.Inherited(Handover.Kind.valueOf(s.path("kind").asText().toUpperCase()),
                    s.path("host").asText(), s.path("port").asInt(), fd.intValue()));
        }
        // Back to lines for DONE: no descriptor is sent after the listed ones.
        ((EpollDomainSocketChannel) channel).config().setReadMode(DomainSocketReadMode.BYTES);
        return new ListenSockets(inherited);
    }

    /** The process id of the Weir being replaced. */
    public long oldPid() {
        return oldPid;
    }

    /** Tells the old Weir to stop accepting and drain; returns once it has let go of the hand-over socket. */
    public void ready() throws IOException, InterruptedException {
        send(Handover.READY);
        String done = line();
        if (!done.equals(Handover.DONE)) {
            throw new IOException("the old Weir answered '" + done + "' to READY");
        }
    }

    private void send(String line) throws IOException {
        try {
            channel.writeAndFlush(line + "\n").sync();
        } catch (Exception e) {
            throw new IOException("hand-over: cannot send " + line + ": " + e.getMessage(), e);
        }
    }

    private String line() throws IOException, InterruptedException {
        String line = expect(String.class);
        if (line.startsWith("ERR ")) {
            throw new IOException("the old Weir refused the hand-over: " + line.substring(4));
        }
        return line.trim();
    }

    private <T> T expect(Class<T> type) throws IOException, InterruptedException {
        Object m = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new IOException("hand-over: the old Weir did not answer within " + timeout.toMillis() + "ms");
        }
        if (m == CLOSED) {
            throw new IOException("hand-over: the old Weir closed the connection");
        }
        if (!type.isInstance(m)) {
            throw new IOException("hand-over: expected " + type.getSimpleName() + ", got " + m);
        }
        return type.cast(m);
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
