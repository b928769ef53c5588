package io.weir.runtime;

import java.net.InetSocketAddress;

/**
 * A listening socket could not be opened: which one, where, and the system's reason in words ("listener web:
 * cannot listen on 127.0.0.1:8080: Address already in use"), what an operator needs and a stack trace hides.
 */
public final class ListenFailure extends RuntimeException {

    private ListenFailure(String message, Throwable cause) {
        super(message, cause);
    }

    static ListenFailure at(InetSocketAddress address, Throwable cause) {
        String where = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return new ListenFailure("cannot listen on " + where + ":" + address.getPort() + ": " + reason(cause), cause);
    }

    /** The same failure, said of {@code what} (a listener, the admin listener, a demo backend). */
    public ListenFailure of(String what) {
        return new ListenFailure(what + ": " + getMessage(), getCause());
    }

    /** Netty's native errors read "bind(..) failed with error(-98): Address already in use": the words are kept. */
    private static String reason(Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int words = message.lastIndexOf("): ");
        return words >= 0 ? message.substring(words + 3) : message;
    }
}
