package io.weir.proxy.http.upstream;

/** The side of an exchange that an upstream connection reports to. Every call is on the event loop. */
public interface UpstreamListener {

    /** A connection is ready for the request: fresh, or reused from the pool. */
    void upstreamReady(UpstreamConnection connection);

    /** No connection could be made. */
    void upstreamConnectFailed(Throwable cause);

    /** A response part: {@code HttpResponse} or {@code HttpContent}; ownership passes to the listener. */
    void upstreamMessage(Object msg);

    /** The end of one socket read: time to flush downstream. */
    void upstreamReadComplete();

    /** The connection may take more request bytes. */
    void upstreamWritable();

    /** The connection closed or failed while serving this listener. */
    void upstreamClosed(Throwable cause);
}
