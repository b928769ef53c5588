package io.weir.proxy.l4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.weir.proxy.ProxyHeaderWriter;
import io.weir.testing.TestTls;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The ClientHello and PROXY header parsers on their own: every prefix of a good input asks for more. */
class PreambleParsersTest {

    @Test
    void everyPrefixOfAHelloNeedsMoreAndTheWholeOneNamesTheServer() throws Exception {
        byte[] hello = TestTls.clientHello("Shop.Example.com");
        for (int n = 0; n < hello.length; n++) {
            ByteBuf prefix = Unpooled.wrappedBuffer(hello, 0, n);
            assertThat(ClientHelloParser.parse(prefix).status()).as("prefix of %d bytes", n)
                    .isEqualTo(ClientHelloParser.Status.NEED_MORE);
        }
        ClientHelloParser.Result whole = ClientHelloParser.parse(Unpooled.wrappedBuffer(hello));
        assertThat(whole.status()).isEqualTo(ClientHelloParser.Status.FOUND);
        assertThat(whole.serverName()).isEqualTo("shop.example.com");
    }

    @Test
    void aHelloSplitIntoTwoRecordsIsReassembled() throws Exception {
        byte[] hello = TestTls.clientHello("a.example.com");
        int payload = hello.length - 5;
        int first = payload / 3;
        ByteBuf twoRecords = Unpooled.buffer();
        twoRecords.writeByte(22).writeShort(0x0301).writeShort(first).writeBytes(hello, 5, first);
        twoRecords.writeByte(22).writeShort(0x0301).writeShort(payload - first).writeBytes(hello, 5 + first,
                payload - first);
        assertThat(ClientHelloParser.parse(twoRecords).serverName()).isEqualTo("a.example.com");
    }

    @Test
    void notTlsIsToldFromTheFirstByte() {
        ClientHelloParser.Result r = ClientHelloParser.parse(Unpooled.copiedBuffer("G", StandardCharsets.US_ASCII));
        assertThat(r.status()).isEqualTo(ClientHelloParser.Status.BAD);
        assertThat(r.problem()).contains("not TLS");
    }

    @Test
    void proxyV1PrefixesNeedMoreAndTheLineParses() {
        String line = "PROXY TCP4 192.0.2.1 198.51.100.2 51000 443\r\nrest";
        for (int n = 1; n < line.length() - 4; n++) {
            ByteBuf prefix = Unpooled.copiedBuffer(line.substring(0, n), StandardCharsets.US_ASCII);
            assertThat(ProxyHeaderParser.parse(prefix).status()).as("prefix %d", n)
                    .isEqualTo(ProxyHeaderParser.Status.NEED_MORE);
        }
        ProxyHeaderParser.Result r = ProxyHeaderParser.parse(Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII));
        assertThat(r.status()).isEqualTo(ProxyHeaderParser.Status.FOUND);
        assertThat(r.length()).isEqualTo(line.length() - 4);
        assertThat(r.addresses().source()).isEqualTo(new InetSocketAddress("192.0.2.1", 51000));
        assertThat(r.addresses().destination()).isEqualTo(new InetSocketAddress("198.51.100.2", 443));
    }

    @Test
    void writtenHeadersParseBack() {
        ConnectionAddresses v4 = new ConnectionAddresses(new InetSocketAddress("192.0.2.1", 51000),
                new InetSocketAddress("198.51.100.2", 443));
        ConnectionAddresses mixed = new ConnectionAddresses(new InetSocketAddress("192.0.2.1", 51000),
                new InetSocketAddress("2001:db8::2", 443));
        for (var version : io.weir.config.ProxyProtocolVersion.values()) {
            ByteBuf header = ProxyHeaderWriter.write(version, v4.source(), v4.destination(), Unpooled.buffer().alloc());
            ProxyHeaderParser.Result r = ProxyHeaderParser.parse(header);
            assertThat(r.length()).isEqualTo(header.readableBytes());
            assertThat(r.addresses()).isEqualTo(v4);
            header.release();

            ByteBuf mixedHeader = ProxyHeaderWriter.write(version, mixed.source(), mixed.destination(),
                    Unpooled.buffer().alloc());
            ProxyHeaderParser.Result m = ProxyHeaderParser.parse(mixedHeader);
            // The IPv4 client is written IPv4-mapped; Java reads that back as the IPv4 address.
            assertThat(m.addresses().source().getAddress().getHostAddress()).isEqualTo("192.0.2.1");
            assertThat(m.addresses().destination()).isEqualTo(mixed.destination());
            mixedHeader.release();
        }
    }
}
