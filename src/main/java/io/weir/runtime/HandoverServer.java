package io.weir.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The running Weir's end of an upgrade ({@link Handover}): a unix socket where its successor asks for the
 * listening sockets. Once the successor says it is ready, this end lets go of the unix socket (so the successor
 * can take the path) and {@link #handedOver()} completes: the caller then stops accepting and drains.
 */
public final class HandoverServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HandoverServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Channel channel;
    private final Path path;
    private final CompletableFuture<Void> handedOver = new CompletableFuture<>();
    /** The user this process runs as (the socket file's owner); only it, or root, may take the sockets. */
    private volatile int ownerUid = -1;

    private HandoverServer(Path path, Supplier<List<Handover.Offer>> sockets, EventLoopGroup group)
            throws InterruptedException {
        this.path = path;
        this.channel = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(Handover.MAX_LINE),
                                new StringDecoder(StandardCharsets.UTF_8), new StringEncoder(StandardCharsets.UTF_8),
                                new Session(sockets));
                    }
                }).bind(new DomainSocketAddress(path.toFile())).sync().channel();
    }

    /**
     * Opens the hand-over socket at {@code path}. A file left there by a Weir that died is replaced; when a live
     * Weir answers there, nothing is opened (upgrades of this process are then off) and null is returned.
     */
    public static HandoverServer open(Path path, Supplier<List<Handover.Offer>> sockets, EventLoopGroup group)
            throws InterruptedException, IOException {
        if (Files.exists(path)) {
            if (answers(path)) {
                log.warn("another Weir serves upgrades at {}; this one will not (pass --handover-socket "
                        + "to give it its own)", path);
                return null;
            }
            Files.delete(path);
        }
        HandoverServer server = new HandoverServer(path, sockets, group);
        // Whoever connects can take the listening sockets and stop this process: owner only.
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        server.ownerUid = (Integer) Files.getAttribute(path, "unix:uid");
        log.info("upgrades: a new `weir run --upgrade` takes over from this process through {}", path);
        return server;
    }

    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return probe.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            return false;
        }
    }

    /** Completes once a successor has taken the listening sockets and is ready: time to drain and exit. */
    public CompletableFuture<Void> handedOver() {
        return handedOver;
    }

    public Path path() {
        return path;
    }

    /** Stops answering; the socket file is removed. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    /** One successor's conversation. */
    private final class Session extends SimpleChannelInboundHandler<String> {
        private final Supplier<List<Handover.Offer>> sockets;
        private List<Handover.Offer> offered;

        Session(Supplier<List<Handover.Offer>> sockets) {
            this.sockets = sockets;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) throws Exception {
            switch (line.trim()) {
                case Handover.LIST -> {
                    offered = sockets.get();
                    log.info("upgrade: a new Weir asks for the listening sockets; offering {}",
                            offered.stream().map(o -> o.name() + "@" + o.host() + ":" + o.port()).toList());
                    ctx.writeAndFlush(JSON.writeValueAsString(describe(offered)) + "\n");
                }
                case Handover.FDS -> {
                    if (offered == null) {
                        refuse(ctx, "LIST first");
                        return;
                    }
                    for (Handover.Offer o : offered) {
                        ctx.write(new FileDescriptor(((UnixChannel) o.channel()).fd().intValue()));
                    }
                    ctx.flush();
                }
                case Handover.READY -> {
                    if (offered == null) {
                        refuse(ctx, "LIST first");
                        return;
                    }
                    log.info("upgrade: the new Weir is ready; this one stops accepting and drains");
                    // Let go of the path before saying so: the successor opens its own hand-over socket there.
                    channel.close().addListener(f -> ctx.writeAndFlush(Handover.DONE + "\n")
                            .addListener(w -> handedOver.complete(null)));
                }
                default -> refuse(ctx, "unknown request '" + line + "'");
            }
        }

        private void refuse(ChannelHandlerContext ctx, String why) {
            ctx.writeAndFlush("ERR " + why + "\n").addListener(f -> ctx.close());
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws IOException {
            int uid = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials().uid();
            if (uid != ownerUid && uid != 0) {
                log.warn("upgrade: refused a hand-over to uid {} (this Weir runs as uid {})", uid, ownerUid);
                ctx.close();
                return;
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (offered != null && !handedOver.isDone()) {
                log.warn("upgrade abandoned by the new Weir before it was ready; this one carries on serving");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("upgrade: hand-over connection failed: {}", cause.toString());
            ctx.close();
        }
    }

    private static Map<String, Object> describe(List<Handover.Offer> offers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", ProcessHandle.current().pid());
        m.put("sockets", offers.stream().map(o -> Map.of("kind", o.kind().name().toLowerCase(), "name", o.name(),
                "host", o.host(), "port", o.port())).toList());
        return m;
    }
}
