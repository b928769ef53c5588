package io.weir.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ParsersTest {

    @ParameterizedTest
    @CsvSource({"250ms,250", "5s,5000", "1m,60000", "1h,3600000", "1d,86400000", "1.5s,1500", "1m30s,90000",
            "0,0", "0s,0", "' 10s ',10000", "1h1m1s1ms,3661001"})
    void durations(String text, long millis) {
        assertThat(DurationParser.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "1.5", "5 s", "5sec", "s", "-1s", "1.s", "5S", "10ns", "1m-1s", "99999999999d"})
    void badDurations(String text) {
        assertThatThrownBy(() -> DurationParser.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"512,512", "0,0", "1B,1", "64KiB,65536", "1MiB,1048576", "1GiB,1073741824", "1TiB,1099511627776",
            "'64 KiB',65536"})
    void sizes(String text, long bytes) {
        assertThat(SizeParser.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "KiB", "-1", "1.5MiB", "1XB", "99999999999999999999", "9999999999TiB"})
    void badSizes(String text) {
        assertThatThrownBy(() -> SizeParser.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"64KB,KiB", "64k,KiB", "1MB,MiB", "1mb,MiB", "1G,GiB"})
    void decimalUnitsGetAHint(String text, String hint) {
        assertThatThrownBy(() -> SizeParser.parse(text)).hasMessageContaining("(write " + hint);
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1:8080,127.0.0.1,8080", "'[::1]:80',::1,80", "localhost:80,localhost,80",
            "'*:8080',0.0.0.0,8080", "0.0.0.0:8080,0.0.0.0,8080", "'[::]:443',::,443", "127.0.0.1:0,127.0.0.1,0",
            "api-1.internal_svc.local:65535,api-1.internal_svc.local,65535"})
    void listenAddresses(String text, String host, int port) {
        assertThat(AddressParser.parseListen(text)).isEqualTo(new HostPort(host, port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", ":80", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "::1:80",
            "[::1]80", "[::1:80", "[nope]:80", "256.0.0.1:80", "1.2.3:80", "bad host:80", "-a.com:80", "a..b:80",
            "127.0.0.1:http"})
    void badAddresses(String text) {
        assertThatThrownBy(() -> AddressParser.parseListen(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*:80", "127.0.0.1:0"})
    void endpointsNeedARealHostAndPort(String text) {
        assertThatThrownBy(() -> AddressParser.parseEndpoint(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.0/8,10.0.0.0/8", "::1/128,::1/128", "192.168.1.7,192.168.1.7/32", "::1,::1/128",
            "0.0.0.0/0,0.0.0.0/0", "fd00::/8,fd00::/8", "10.0.0.0/08,10.0.0.0/8"})
    void cidrs(String text, String normalized) {
        assertThat(CidrParser.parse(text)).isEqualTo(normalized);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "example.com", "10.0.0/8",
            "10.0.0.0/8/8"})
    void badCidrs(String text) {
        assertThatThrownBy(() -> CidrParser.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
