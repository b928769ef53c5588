package io.weir.proxy.http.route;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RequestViewTest {

    private static RequestView view(String uri, String... headers) {
        return view(HttpMethod.GET, uri, headers);
    }

    private static RequestView view(HttpMethod method, String uri, String... headers) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return new RequestView(request);
    }

    @ParameterizedTest(name = "Host: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "example.com           | example.com",
            "example.com:8080      | example.com",
            "API.Example.COM:443   | api.example.com",
            "127.0.0.1:9000        | 127.0.0.1",
            "[::1]:8080            | [::1]",
            "[::1]                 | [::1]",
            "[2001:DB8::1]:443     | [2001:db8::1]",
    })
    void hostIsLowerCasedWithoutThePort(String hostHeader, String host) {
        RequestView v = view("/", "Host", hostHeader);
        assertThat(v.host()).isEqualTo(host);
        assertThat(v.authority()).isEqualTo(hostHeader);
    }

    @Test
    void noHostIsEmpty() {
        RequestView v = new RequestView(new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/"));
        assertThat(v.host()).isEmpty();
        assertThat(v.authority()).isEmpty();
    }

    @Test
    void stripPort() {
        assertThat(RequestView.stripPort("h")).isEqualTo("h");
        assertThat(RequestView.stripPort("h:80")).isEqualTo("h");
        assertThat(RequestView.stripPort("[::1]")).isEqualTo("[::1]");
        assertThat(RequestView.stripPort("[::1]:80")).isEqualTo("[::1]");
        assertThat(RequestView.stripPort("[fe80::1:2]:8080")).isEqualTo("[fe80::1:2]");
        assertThat(RequestView.stripPort("")).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> path {1}, query {2}")
    @CsvSource(delimiter = '|', value = {
            "/                     | /          | ''",
            "/a/b                  | /a/b       | ''",
            "/a/b?x=1&y=2          | /a/b       | x=1&y=2",
            "/a?                   | /a         | ''",
            "/?a=1?b=/c            | /          | a=1?b=/c",
            "/p%20q/%3F?r=%3F      | /p%20q/%3F | r=%3F",
            "/a;b=c?d              | /a;b=c     | d",
            "*                     | *          | ''",
    })
    void pathAndQueryAreSplitAtTheFirstQuestionMarkAndNotDecoded(String uri, String path, String query) {
        RequestView v = view(HttpMethod.OPTIONS, uri, "Host", "x");
        assertThat(v.path()).isEqualTo(path);
        assertThat(v.query()).isEqualTo(query);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://a.example.com/x/y?z=1        | a.example.com      | a.example.com      | /x/y | z=1",
            "http://a.example.com:8080/x         | a.example.com      | a.example.com:8080 | /x   | ''",
            "http://a.example.com                | a.example.com      | a.example.com      | /    | ''",
            "http://a.example.com?q=1            | a.example.com      | a.example.com      | /    | q=1",
            "HTTPS://A.Example.com:8443/P?Q      | a.example.com      | A.Example.com:8443 | /P   | Q",
            "http://[::1]:8080/v6                | [::1]              | [::1]:8080         | /v6  | ''",
            "http://b.example.com/x?u=http://c/d | b.example.com      | b.example.com      | /x   | u=http://c/d",
    })
    void absoluteFormTakesHostAndPathFromTheTarget(String uri, String host, String authority, String path,
                                                   String query) {
        RequestView v = view(uri, "Host", "ignored.example.com");
        assertThat(v.host()).isEqualTo(host);
        assertThat(v.authority()).isEqualTo(authority);
        assertThat(v.path()).isEqualTo(path);
        assertThat(v.query()).isEqualTo(query);
    }

    @Test
    void originFormWithSchemeLikeTextInThePathIsNotAbsoluteForm() {
        RequestView v = view("/redirect?to=http://evil.example.com/", "Host", "good.example.com");
        assertThat(v.host()).isEqualTo("good.example.com");
        assertThat(v.path()).isEqualTo("/redirect");
    }

    @Test
    void queryParametersAreDecodedWithEveryValue() {
        RequestView v = view("/s?a=1&a=2&b=%20x&c&e=&f=a+b", "Host", "x");
        assertThat(v.queryParam("a")).containsExactly("1", "2");
        assertThat(v.queryParam("b")).containsExactly(" x");
        assertThat(v.queryParam("c")).containsExactly("");
        assertThat(v.queryParam("e")).containsExactly("");
        assertThat(v.queryParam("f")).containsExactly("a b");
        assertThat(v.queryParam("missing")).isEmpty();
    }

    @Test
    void onlyAmpersandSeparatesQueryParameters() {
        // As the WHATWG URL standard and most servers read it; were ';' a separator too, ?a=1;admin=1 would
        // route on an "admin" parameter the upstream never sees.
        RequestView v = view("/s?a=1;admin=1&b=2", "Host", "x");
        assertThat(v.queryParam("a")).containsExactly("1;admin=1");
        assertThat(v.queryParam("admin")).isEmpty();
        assertThat(v.queryParam("b")).containsExactly("2");
    }

    @Test
    void everyQueryParameterCountsHoweverManyComeBefore() {
        StringBuilder uri = new StringBuilder("/s?");
        for (int i = 0; i < 2000; i++) {
            uri.append("p").append(i).append("=&");
        }
        uri.append("debug=1");
        assertThat(view(uri.toString(), "Host", "x").queryParam("debug")).containsExactly("1");
    }

    @Test
    void badPercentEncodingInTheQueryIsReadAsWritten() {
        RequestView v = view("/s?v=%zz&w=100%&x=%4&ok=%41%c3%A9+b&%6e=named", "Host", "x");
        assertThat(v.queryParam("ok")).containsExactly("A\u00e9 b");
        assertThat(v.queryParam("v")).containsExactly("%zz");
        assertThat(v.queryParam("w")).containsExactly("100%");
        assertThat(v.queryParam("x")).containsExactly("%4");
        assertThat(v.queryParam("n")).containsExactly("named");
    }

    @Test
    void emptyPiecesOfAQueryAreSkipped() {
        RequestView v = view("/s?&&a=1&&=orphan&b=x=y&", "Host", "x");
        assertThat(v.queryParam("a")).containsExactly("1");
        assertThat(v.queryParam("b")).containsExactly("x=y");
        assertThat(v.queryParam("")).isEmpty();
        assertThat(v.queryParam("orphan")).isEmpty();
    }

    @Test
    void cookiesFromEveryCookieHeader() {
        RequestView v = view("/", "Host", "x", "Cookie", "a=1; b=two", "Cookie", "c=\"q\"");
        assertThat(v.cookie("a")).isEqualTo("1");
        assertThat(v.cookie("b")).isEqualTo("two");
        assertThat(v.cookie("c")).isEqualTo("q");
        assertThat(v.cookie("d")).isNull();
        assertThat(view("/", "Host", "x").cookie("a")).isNull();
    }
}
