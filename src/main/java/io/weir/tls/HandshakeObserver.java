package io.weir.tls;

/** Told how each downstream TLS handshake of a listener ended (metrics). Called on the connection's event loop. */
public interface HandshakeObserver {

    HandshakeObserver NONE = new HandshakeObserver() {
        @Override
        public void succeeded() {
        }

        @Override
        public void failed(Throwable cause) {
        }
    };

    void succeeded();

    /** The handshake failed: a bad or non-TLS ClientHello, no common protocol or cipher, a timeout, a close. */
    void failed(Throwable cause);
}
