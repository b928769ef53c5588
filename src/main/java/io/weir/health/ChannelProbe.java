package io.weir.health;

import io.netty.channel.Channel;

/** A probe that opens a connection (or a socket) of its own for each check, closed when the check is abandoned. */
abstract class ChannelProbe implements Probe {

    /** The connection of the check in progress; null before the first and after a cancel. */
    Channel channel;

    @Override
    public void cancel() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
