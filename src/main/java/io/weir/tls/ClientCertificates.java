package io.weir.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;

/** The verified client certificate of a TLS connection, in the form Envoy's x-forwarded-client-cert uses. */
public final class ClientCertificates {

    private ClientCertificates() {
    }

    /** {@code Subject="CN=…";DNS=a.example.com;DNS=…}, or null when the client presented none. */
    public static String describe(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return null;
            }
            StringBuilder out = new StringBuilder("Subject=\"")
                    .append(leaf.getSubjectX500Principal().getName().replace("\"", "\\\"")).append('"');
            for (String name : CertificateNames.of(leaf)) {
                out.append(";DNS=").append(name);
            }
            return out.toString();
        } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
            return null;
        }
    }
}
