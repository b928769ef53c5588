package io.weir.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The host names a certificate is for: its DNS subject alternative names, else its subject CN. */
final class CertificateNames {

    private static final int DNS_NAME = 2;
    private static final Pattern CN = Pattern.compile("(?:^|,)\\s*CN=([^,]+)");

    private CertificateNames() {
    }

    static List<String> of(X509Certificate cert) throws CertificateParsingException {
        List<String> names = new ArrayList<>();
        if (cert.getSubjectAlternativeNames() != null) {
            for (List<?> san : cert.getSubjectAlternativeNames()) {
                if (((Integer) san.get(0)) == DNS_NAME) {
                    names.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                }
            }
        }
        if (names.isEmpty()) {
            Matcher m = CN.matcher(cert.getSubjectX500Principal().getName());
            if (m.find()) {
                names.add(m.group(1).trim().toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }
}
