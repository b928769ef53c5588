package io.weir.proxy.http.sticky;

import io.weir.cluster.Endpoint;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The opaque cookie value naming each endpoint of one cluster: the first 128 bits of
 * HMAC-SHA256(key, cluster name NUL endpoint id), base64url. It reveals nothing of the address, and without
 * the key nobody can make the value of another endpoint; a value is looked up, never decoded.
 */
final class StickyTokens {

    private static final int BYTES = 16;

    private final Map<String, Endpoint> byToken = new HashMap<>();
    private final Map<Endpoint, String> byEndpoint = new IdentityHashMap<>();

    StickyTokens(byte[] key, String cluster, List<Endpoint> endpoints) {
        for (Endpoint e : endpoints) {
            String token = token(key, cluster, e.id());
            byToken.put(token, e);
            byEndpoint.put(e, token);
        }
    }

    static String token(byte[] key, String cluster, String endpointId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((cluster + '\0' + endpointId).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The endpoint a cookie value names; null for an unknown, stale or tampered value. */
    Endpoint endpoint(String token) {
        return token == null ? null : byToken.get(token);
    }

    String token(Endpoint endpoint) {
        return byEndpoint.get(endpoint);
    }
}
