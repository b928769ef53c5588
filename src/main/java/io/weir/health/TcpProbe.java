package io.weir.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.weir.config.HealthCheckConfig;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/** {@code type: tcp}: the endpoint passes when it accepts a connection, which is closed at once. */
final class TcpProbe extends ChannelProbe {

    private final InetSocketAddress address;

    TcpProbe(Bootstrap bootstrap, InetSocketAddress address, HealthCheckConfig config) {
        super(bootstrap, config);
        this.address = address;
    }

    @Override
    public void start(Consumer<ProbeResult> done) {
        ChannelFuture connect = bootstrap.connect(address);
        channel = connect.channel();
        connect.addListener(f -> {
            if (f.isSuccess()) {
                done.accept(ProbeResult.pass("connected"));
            } else {
                done.accept(ProbeResult.fail(Reasons.of(f.cause(), config.timeout())));
            }
            connect.channel().close();
        });
    }
}
