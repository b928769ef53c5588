package io.weir.proxy.l4;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.weir.cluster.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS passthrough: holds the downstream connection until its ClientHello has arrived (in as many segments as
 * it takes), chooses the cluster by the SNI, then steps aside; the hello bytes go on untouched, to be
 * replayed upstream.
 */
final class SniRouter extends PreambleReader {

    private static final Logger log = LoggerFactory.getLogger(SniRouter.class);

    private final SniTable table;

    SniRouter(SniTable table, long timeoutNanos) {
        super(timeoutNanos);
        this.table = table;
    }

    @Override
    String expected() {
        return "a TLS ClientHello";
    }

    @Override
    boolean onBytes(ChannelHandlerContext ctx, ByteBuf buffered) {
        ClientHelloParser.Result result = ClientHelloParser.parse(buffered);
        switch (result.status()) {
            case NEED_MORE -> {
                return false;
            }
            case BAD -> reject(ctx, result.problem());
            case FOUND -> {
                Cluster cluster = table.route(result.serverName());
                log.debug("tcp {}: SNI {} → cluster {}", ctx.channel().remoteAddress(), result.serverName(),
                        cluster.name());
                ctx.channel().attr(L4Attributes.CLUSTER).set(cluster);
                done(ctx);
            }
        }
        return true;
    }
}
