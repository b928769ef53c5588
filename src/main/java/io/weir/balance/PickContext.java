package io.weir.balance;

/**
 * What one pick knows about the request or connection being placed.
 *
 * @param hash   the hash of the request's key (source IP, header, cookie, …) when {@code hasHash}
 * @param hasHash whether the request carried the key the cluster hashes on
 * @param avoid  a host the caller just failed on (a retry); pickers choose another when they can
 */
public record PickContext(long hash, boolean hasHash, Host avoid) {

    public static final PickContext NONE = new PickContext(0, false, null);

    public static PickContext ofHash(long hash) {
        return new PickContext(hash, true, null);
    }

    public PickContext avoiding(Host host) {
        return new PickContext(hash, hasHash, host);
    }
}
