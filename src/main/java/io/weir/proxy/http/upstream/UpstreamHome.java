package io.weir.proxy.http.upstream;

/**
 * Where an {@link UpstreamConnection} belongs: the HTTP/1.1 pool of its endpoint, or, for an h2 stream, the
 * parent connection that multiplexes it. Every call is on the connection's event loop.
 */
interface UpstreamHome {

    /** The connection became active: an HTTP/1.1 socket counts towards the endpoint's connections. */
    void opened(UpstreamConnection conn);

    /** The exchange read a complete response: pool the connection, or end the stream. */
    void release(UpstreamConnection conn);

    /** The connection (or stream) closed. */
    void closed(UpstreamConnection conn);
}
