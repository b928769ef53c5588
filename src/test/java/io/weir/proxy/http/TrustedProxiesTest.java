package io.weir.proxy.http;

import io.weir.proxy.TrustedProxies;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TrustedProxiesTest {

    private static boolean contains(TrustedProxies t, String ip) throws Exception {
        return t.contains(InetAddress.getByName(ip));
    }

    @Test
    void ipv4Ranges() throws Exception {
        TrustedProxies t = TrustedProxies.of(List.of("10.0.0.0/8", "192.168.1.0/25", "172.16.0.0/12"));
        assertThat(contains(t, "10.0.0.0")).isTrue();
        assertThat(contains(t, "10.255.255.255")).isTrue();
        assertThat(contains(t, "9.255.255.255")).isFalse();
        assertThat(contains(t, "11.0.0.0")).isFalse();
        // /25: the boundary falls inside the last byte
        assertThat(contains(t, "192.168.1.0")).isTrue();
        assertThat(contains(t, "192.168.1.127")).isTrue();
        assertThat(contains(t, "192.168.1.128")).isFalse();
        assertThat(contains(t, "192.168.0.127")).isFalse();
        // /12: the boundary falls inside the second byte
        assertThat(contains(t, "172.16.0.0")).isTrue();
        assertThat(contains(t, "172.31.255.255")).isTrue();
        assertThat(contains(t, "172.32.0.0")).isFalse();
        assertThat(contains(t, "172.15.255.255")).isFalse();
    }

    @Test
    void fullLengthPrefixIsOneAddress() throws Exception {
        TrustedProxies t = TrustedProxies.of(List.of("127.0.0.1/32", "::1/128"));
        assertThat(contains(t, "127.0.0.1")).isTrue();
        assertThat(contains(t, "127.0.0.2")).isFalse();
        assertThat(contains(t, "126.0.0.1")).isFalse();
        assertThat(contains(t, "::1")).isTrue();
        assertThat(contains(t, "::2")).isFalse();
        assertThat(contains(t, "::")).isFalse();
    }

    @Test
    void bareAddressesAreFullLength() throws Exception {
        TrustedProxies t = TrustedProxies.of(List.of("10.1.2.3", "2001:db8::7"));
        assertThat(contains(t, "10.1.2.3")).isTrue();
        assertThat(contains(t, "10.1.2.4")).isFalse();
        assertThat(contains(t, "2001:db8::7")).isTrue();
        assertThat(contains(t, "2001:db8::6")).isFalse();
    }

    @Test
    void ipv6Ranges() throws Exception {
        TrustedProxies t = TrustedProxies.of(List.of("2001:db8::/32", "fe80::/10", "2001:db9:0:8000::/49"));
        assertThat(contains(t, "2001:db8::")).isTrue();
        assertThat(contains(t, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")).isTrue();
        assertThat(contains(t, "2001:db9::")).isFalse();
        assertThat(contains(t, "2001:db7:ffff::")).isFalse();
        // /10: the boundary falls inside the second byte
        assertThat(contains(t, "fe80::1")).isTrue();
        assertThat(contains(t, "febf:ffff::1")).isTrue();
        assertThat(contains(t, "fec0::")).isFalse();
        assertThat(contains(t, "fe7f:ffff::")).isFalse();
        // /49: the boundary is the top bit of the seventh byte
        assertThat(contains(t, "2001:db9:0:8000::")).isTrue();
        assertThat(contains(t, "2001:db9:0:ffff:ffff::")).isTrue();
        assertThat(contains(t, "2001:db9:0:7fff:ffff::")).isFalse();
        assertThat(contains(t, "2001:db9:1:8000::")).isFalse();
    }

    @Test
    void hostBitsInTheNetworkAreIgnored() throws Exception {
        TrustedProxies t = TrustedProxies.of(List.of("10.1.2.3/8", "2001:db8::abcd/32"));
        assertThat(contains(t, "10.200.0.1")).isTrue();
        assertThat(contains(t, "2001:db8:1::1")).isTrue();
    }

    @Test
    void zeroPrefixIsEveryAddressOfItsFamilyOnly() throws Exception {
        TrustedProxies v4 = TrustedProxies.of(List.of("0.0.0.0/0"));
        assertThat(contains(v4, "1.2.3.4")).isTrue();
        assertThat(contains(v4, "255.255.255.255")).isTrue();
        assertThat(contains(v4, "::1")).isFalse();
        TrustedProxies v6 = TrustedProxies.of(List.of("::/0"));
        assertThat(contains(v6, "2001:db8::1")).isTrue();
        assertThat(contains(v6, "127.0.0.1")).isFalse();
    }

    @Test
    void familiesDoNotMix() throws Exception {
        TrustedProxies t = TrustedProxies.of(List.of("10.0.0.0/8"));
        assertThat(contains(t, "::a00:1")).isFalse();
        // An IPv4-mapped IPv6 address is the IPv4 address (Java gives an Inet4Address for it).
        assertThat(contains(t, "::ffff:10.0.0.1")).isTrue();
    }

    @Test
    void noneTrustsNobody() throws Exception {
        assertThat(contains(TrustedProxies.NONE, "127.0.0.1")).isFalse();
        assertThat(contains(TrustedProxies.of(List.of()), "::1")).isFalse();
    }
}
