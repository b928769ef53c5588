package io.weir.proxy.http;

import io.netty.util.ReferenceCountUtil;
import io.weir.proxy.http.upstream.UpstreamConnection;
import io.weir.proxy.http.upstream.UpstreamListener;

/**
 * One try's view of its upstream connection. A try may be given up while its connect is still pending
 * (its {@code per_try_timeout} ran out and the next try started elsewhere); the late connection must then
 * not be taken for the new try's, so events reach the exchange only until the try is abandoned, and a
 * connection that arrives after is closed.
 */
final class TryListener implements UpstreamListener {

    private final UpstreamListener exchange;
    private boolean abandoned;

    TryListener(UpstreamListener exchange) {
        this.exchange = exchange;
    }

    void abandon() {
        abandoned = true;
    }

    @Override
    public void upstreamReady(UpstreamConnection connection) {
        if (abandoned) {
            connection.discard();
        } else {
            exchange.upstreamReady(connection);
        }
    }

    @Override
    public void upstreamConnectFailed(Throwable cause) {
        if (!abandoned) {
            exchange.upstreamConnectFailed(cause);
        }
    }

    @Override
    public void upstreamMessage(Object msg) {
        if (abandoned) {
            ReferenceCountUtil.release(msg);
        } else {
            exchange.upstreamMessage(msg);
        }
    }

    @Override
    public void upstreamReadComplete() {
        if (!abandoned) {
            exchange.upstreamReadComplete();
        }
    }

    @Override
    public void upstreamWritable() {
        if (!abandoned) {
            exchange.upstreamWritable();
        }
    }

    @Override
    public void upstreamClosed(Throwable cause) {
        if (!abandoned) {
            exchange.upstreamClosed(cause);
        }
    }
}
