package io.weir.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.weir.config.HealthCheckConfig;

/** A probe that opens a connection (or a socket) of its own for each check, closed when the check is abandoned. */
abstract class ChannelProbe implements Probe {

    /** Group, channel class and options; each check clones it with its own handler. */
    final Bootstrap bootstrap;
    final HealthCheckConfig config;
    /** The connection of the check in progress; null before the first and after a cancel. */
    Channel channel;

    ChannelProbe(Bootstrap bootstrap, HealthCheckConfig config) {
        this.bootstrap = bootstrap;
        this.config = config;
    }

    @Override
    public void cancel() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
