package io.weir.testing;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;

/**
 * TLS for tests from the self-signed keystore in src/test/resources/tls (see its README): servers present
 * that certificate and clients trust exactly it.
 */
public final class TestTls {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final SSLContext CONTEXT = build();

    private TestTls() {
    }

    private static SSLContext build() {
        try (InputStream in = TestTls.class.getResourceAsStream("/tls/weir-test.p12")) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SSLContext context() {
        return CONTEXT;
    }

    /** A client context trusting the test CA (src/test/resources/tls/ca.pem) that signed a.pem, b.pem, c.pem. */
    public static SSLContext trustingTestCa() {
        try (InputStream in = java.nio.file.Files.newInputStream(
                java.nio.file.Path.of("src/test/resources/tls/ca.pem"))) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A client socket to {@code port} on loopback that sends {@code serverName} as its SNI (none when null).
     * Each has its own context: the JDK would otherwise resume the previous session to the same address, with
     * its server name.
     */
    public static SSLSocket connect(int port, String serverName) throws IOException {
        SSLSocket s = (SSLSocket) build().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(20_000);
        SSLParameters params = s.getSSLParameters();
        params.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        s.setSSLParameters(params);
        return s;
    }

    /** The bytes of a real ClientHello naming {@code serverName}, as a client would first send them. */
    public static byte[] clientHello(String serverName) throws IOException {
        SSLEngine engine = CONTEXT.createSSLEngine(serverName, 443);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setServerNames(List.of(new SNIHostName(serverName)));
        engine.setSSLParameters(params);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }
}
