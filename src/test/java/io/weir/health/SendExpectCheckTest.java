package io.weir.health;

import io.weir.cluster.Endpoint;
import io.weir.cluster.EndpointState;
import io.weir.testing.RedisServer;
import io.weir.testing.SocketTest;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** tcp checks with send/expect: a Redis endpoint is checked with PING → +PONG, not just an open port. */
class SendExpectCheckTest extends SocketTest {

    private WeirHarness weir(String endpoint) throws Exception {
        return track(WeirHarness.start("""
                listeners:
                  - name: db
                    protocol: tcp
                    listen: 127.0.0.1:0
                    cluster: redis
                clusters:
                  - name: redis
                    panic_threshold: 0
                    health_check: { type: tcp, send: "PING\\r\\n", expect: "+PONG", interval: 100ms,
                                    healthy_threshold: 1, unhealthy_threshold: 1 }
                    endpoints: [ "%s" ]
                """.formatted(endpoint)));
    }

    @Test
    void aRealRedisAnsweringPongIsHealthy() throws Exception {
        assumeThat(RedisServer.installed()).as("redis-server installed").isTrue();
        RedisServer redis = track(RedisServer.start());
        URI uri = URI.create(redis.uri());
        WeirHarness weir = weir("127.0.0.1:" + uri.getPort());
        Endpoint e = weir.weir().clusters().require("redis").endpoints().get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> e.state() == EndpointState.HEALTHY);
    }

    @Test
    void anOpenPortThatAnswersSomethingElseIsUnhealthy() throws Exception {
        // Accepts connections (a plain tcp check would pass) but is not the service we expect.
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try (java.net.Socket s = server.accept()) {
                        s.getInputStream().read(new byte[64]);
                        s.getOutputStream().write("-ERR unknown command\r\n".getBytes());
                    } catch (Exception ignored) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            WeirHarness weir = weir("127.0.0.1:" + server.getLocalPort());
            Endpoint e = weir.weir().clusters().require("redis").endpoints().get(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> weir.weir().health().lastTransition(e).isPresent());
            assertThat(e.state()).isEqualTo(EndpointState.UNHEALTHY);
            assertThat(weir.weir().health().lastTransition(e).get().reason()).contains("expected '+PONG'");
        }
    }
}
