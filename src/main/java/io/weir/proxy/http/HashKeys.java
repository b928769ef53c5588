package io.weir.proxy.http;

import io.weir.balance.Hashing;
import io.weir.balance.PickContext;
import io.weir.cluster.HashOn;
import io.weir.proxy.http.route.RequestView;

import java.util.List;

/**
 * The hash key of a request for a hashing cluster ({@code hash_on}). A request without the key gets no
 * hash, and the balancer falls back to its rotation for it.
 */
final class HashKeys {

    private HashKeys() {
    }

    static PickContext pickContext(HashOn on, RequestView request, DownstreamPeer peer) {
        if (on == null) {
            return PickContext.NONE;
        }
        String key = switch (on.kind()) {
            case SOURCE_IP -> peer.ip();
            case PATH -> request.path();
            case HEADER -> request.headers().get(on.name());
            case COOKIE -> request.cookie(on.name());
            case QUERY -> first(request.queryParam(on.name()));
        };
        return key == null ? PickContext.NONE : PickContext.ofHash(Hashing.hash64(key));
    }

    private static String first(List<String> values) {
        return values.isEmpty() ? null : values.get(0);
    }
}
