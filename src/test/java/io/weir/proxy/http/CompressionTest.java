package io.weir.proxy.http;

import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A route's {@code compression}: which responses Weir gzips, and that what it sends decodes to what was sent. */
class CompressionTest extends SocketTest {

    private static final String PAGE = "<p>hello, compressible world</p>\n".repeat(400);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private WeirHarness weir() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> switch (r.uri()) {
            case "/page" -> Reply.text(PAGE).header("content-type", "text/html; charset=utf-8")
                    .header("etag", "\"v1\"");
            case "/chunked" -> Reply.text(PAGE).header("content-type", "text/html").asChunked()
                    .withTrailer("x-checksum", "abc");
            case "/small" -> Reply.text("tiny").header("content-type", "text/plain");
            case "/png" -> Reply.text(PAGE).header("content-type", "image/png");
            case "/encoded" -> Reply.text(PAGE).header("content-type", "text/html").header("content-encoding", "br");
            case "/no-transform" -> Reply.text(PAGE).header("content-type", "text/html")
                    .header("cache-control", "public, no-transform");
            case "/json-stream" -> Reply.stream(8L << 20).header("content-type", "application/json");
            default -> Reply.of(404, "");
        }));
        return track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - match: { path_prefix: /plain/ }
                        cluster: a
                        prefix_rewrite: /
                      - match: { path_prefix: / }
                        cluster: a
                        compression: { min_size: 1KiB, level: 5 }
                clusters:
                  - name: a
                    endpoints: [ %s ]
                """.formatted(backend.address())));
    }

    @Test
    void gzipsTextForClientsThatAcceptIt() throws Exception {
        WeirHarness weir = weir();
        HttpResponse<byte[]> r = get(weir, "/page", "gzip, deflate, br");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(r.headers().firstValue("vary")).hasValue("Accept-Encoding");
        assertThat(r.headers().firstValue("content-length")).isEmpty();
        assertThat(r.headers().firstValue("etag")).hasValue("W/\"v1\"");
        assertThat(r.body().length).isLessThan(PAGE.length() / 10);
        assertThat(gunzip(r.body())).isEqualTo(PAGE);
        // The connection stays usable: the compressed body was framed correctly.
        assertThat(gunzip(get(weir, "/page", "gzip").body())).isEqualTo(PAGE);
    }

    @Test
    void leavesAloneWhatIsNotAskedForOrNotWorthIt() throws Exception {
        WeirHarness weir = weir();
        assertIdentity(get(weir, "/page", null), PAGE.length());
        assertIdentity(get(weir, "/page", "gzip;q=0, identity"), PAGE.length());
        assertIdentity(get(weir, "/small", "gzip"), 4);
        assertIdentity(get(weir, "/png", "gzip"), PAGE.length());
        assertIdentity(get(weir, "/no-transform", "gzip"), PAGE.length());
        assertIdentity(get(weir, "/plain/page", "gzip"), PAGE.length());
        HttpResponse<byte[]> encoded = get(weir, "/encoded", "gzip, br");
        assertThat(encoded.headers().firstValue("content-encoding")).hasValue("br");
        assertThat(new String(encoded.body(), StandardCharsets.UTF_8)).isEqualTo(PAGE);
        // '*' stands for gzip when gzip is not named.
        assertThat(get(weir, "/page", "*").headers().firstValue("content-encoding")).hasValue("gzip");
    }

    @Test
    void chunkedUpstreamKeepsItsTrailersAndLargeStreamsDecodeWhole() throws Exception {
        WeirHarness weir = weir();
        try (io.weir.testing.RawHttp raw = new io.weir.testing.RawHttp(weir.port())) {
            raw.write("GET /chunked HTTP/1.1\r\nHost: x\r\nTE: trailers\r\nAccept-Encoding: gzip\r\n"
                    + "Connection: close\r\n\r\n");
            String text = new String(raw.socket().getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(text).contains("content-encoding: gzip").contains("transfer-encoding: chunked")
                    .endsWith("\r\n0\r\nx-checksum: abc\r\n\r\n");
        }
        HttpResponse<InputStream> stream = client.send(HttpRequest.newBuilder(weir.uri("/json-stream"))
                .header("accept-encoding", "gzip").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("content-encoding")).hasValue("gzip");
        long total = 0;
        try (InputStream in = new GZIPInputStream(stream.body())) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
            }
        }
        assertThat(total).isEqualTo(8L << 20);
    }

    @Test
    void http10ClientGetsABodyDelimitedByClose() throws Exception {
        WeirHarness weir = weir();
        try (io.weir.testing.RawHttp raw = new io.weir.testing.RawHttp(weir.port())) {
            raw.write("GET /page HTTP/1.0\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
            byte[] all = raw.socket().getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int bodyAt = text.indexOf("\r\n\r\n") + 4;
            assertThat(text.substring(0, bodyAt)).contains("content-encoding: gzip").doesNotContain("chunked")
                    .doesNotContain("content-length");
            assertThat(gunzip(java.util.Arrays.copyOfRange(all, bodyAt, all.length))).isEqualTo(PAGE);
        }
    }

    @Test
    void acceptEncodingFollowsRfc9110() {
        assertThat(ResponseCompression.acceptsGzip("gzip")).isTrue();
        assertThat(ResponseCompression.acceptsGzip("deflate, GZIP;q=0.5")).isTrue();
        assertThat(ResponseCompression.acceptsGzip("x-gzip")).isTrue();
        assertThat(ResponseCompression.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(ResponseCompression.acceptsGzip("gzip; q=0.0")).isFalse();
        assertThat(ResponseCompression.acceptsGzip("*;q=0.1")).isTrue();
        assertThat(ResponseCompression.acceptsGzip("*, gzip;q=0")).isFalse();
        assertThat(ResponseCompression.acceptsGzip("br, identity")).isFalse();
        assertThat(ResponseCompression.acceptsGzip("")).isFalse();
        assertThat(ResponseCompression.acceptsGzip(null)).isFalse();
    }

    private HttpResponse<byte[]> get(WeirHarness weir, String path, String acceptEncoding) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(weir.uri(path));
        if (acceptEncoding != null) {
            request.header("accept-encoding", acceptEncoding);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void assertIdentity(HttpResponse<byte[]> r, int length) {
        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(r.headers().firstValue("content-length")).hasValue(String.valueOf(length));
        assertThat(r.body()).hasSize(length);
    }

    private static String gunzip(byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
