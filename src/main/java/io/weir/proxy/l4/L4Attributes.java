package io.weir.proxy.l4;

import io.netty.util.AttributeKey;
import io.weir.cluster.Cluster;

/**
 * What the preamble handlers (PROXY protocol reader, SNI router) learn about a downstream connection
 * before it is forwarded; {@link TcpFrontend} reads them when it picks and connects.
 */
final class L4Attributes {

    /** The client and the address it connected to, as a trusted PROXY header told them. */
    static final AttributeKey<ConnectionAddresses> ADDRESSES = AttributeKey.valueOf("weir.l4.addresses");
    /** The cluster the SNI of the ClientHello chose. */
    static final AttributeKey<Cluster> CLUSTER = AttributeKey.valueOf("weir.l4.cluster");
    /** The connection's access-log record, when there is an L4 access log. */
    static final AttributeKey<ConnectionRecord> RECORD = AttributeKey.valueOf("weir.l4.record");

    private L4Attributes() {
    }
}
