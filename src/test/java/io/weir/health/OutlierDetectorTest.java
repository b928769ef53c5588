package io.weir.health;

import io.netty.channel.DefaultEventLoop;
import io.weir.cluster.Cluster;
import io.weir.cluster.ClusterManager;
import io.weir.cluster.Endpoint;
import io.weir.config.ConfigLoader;
import io.weir.config.OutlierDetectionConfig;
import io.weir.config.WeirConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The detector's rules, fed outcomes directly (no sockets): streaks, the cap, growing ejection times. */
class OutlierDetectorTest {

    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Cluster cluster(int endpoints, String outlier) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                listeners: [ { name: web, listen: 127.0.0.1:0, routes: [ { cluster: app } ] } ]
                clusters:
                  - name: app
                """);
        yaml.append("    outlier_detection: ").append(outlier).append("\n    endpoints:\n");
        for (int i = 0; i < endpoints; i++) {
            yaml.append("      - 127.0.0.1:").append(9001 + i).append('\n');
        }
        WeirConfig config = ConfigLoader.parse(yaml.toString(), Path.of("t.yaml"), Map.of());
        Cluster cluster = ClusterManager.build(config.clusters()).require("app");
        new OutlierDetector(cluster, cluster.config().health().outlierDetection().orElseThrow(), loop).start();
        return cluster;
    }

    private static void fail(Endpoint e, int times) {
        for (int i = 0; i < times; i++) {
            e.outcomes().failure("status 503");
        }
    }

    @Test
    void aStreakBrokenByASuccessDoesNotEject() throws Exception {
        Cluster c = cluster(3, "{ consecutive_failures: 3, max_ejection_percent: 100 }");
        Endpoint e = c.endpoints().get(0);
        fail(e, 2);
        e.outcomes().status(200);
        fail(e, 2);
        e.outcomes().status(404);
        fail(e, 2);
        assertThat(e.outcomes().consecutiveFailures()).isEqualTo(2);
        fail(e, 1);
        await().until(e::isEjected);
    }

    @Test
    void theCapLimitsEjectionsToMaxEjectionPercent() throws Exception {
        Cluster c = cluster(10, "{ consecutive_failures: 2, max_ejection_percent: 20 }");
        List<Endpoint> all = c.endpoints();
        for (int i = 0; i < 5; i++) {
            fail(all.get(i), 2);
        }
        await().until(() -> all.stream().filter(Endpoint::isEjected).count() == 2);
        loop.submit(() -> { }).syncUninterruptibly();
        assertThat(all.stream().filter(Endpoint::isEjected).count()).isEqualTo(2);
    }

    @Test
    void ejectionsLastLongerEachTimeUpToTheCap() {
        OutlierDetectionConfig config = new OutlierDetectionConfig(5, Duration.ofSeconds(30), Duration.ofSeconds(75),
                10, Optional.empty());
        assertThat(List.of(1, 2, 3, 4)).map(n -> OutlierDetector.ejectionTime(config, n)).containsExactly(
                Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(75), Duration.ofSeconds(75));
    }

    @Test
    void anEjectedEndpointComesBackAfterItsTimeAndRampsFromThen() throws Exception {
        Cluster c = cluster(2, "{ consecutive_failures: 1, base_ejection_time: 500ms, max_ejection_percent: 50 }");
        Endpoint e = c.endpoints().get(0);
        long before = System.nanoTime();
        fail(e, 1);
        await().pollInterval(Duration.ofMillis(5)).until(e::isEjected);
        assertThat(e.isAvailable()).isFalse();
        await().until(() -> !e.isEjected());
        assertThat(e.isAvailable()).isTrue();
        assertThat(e.availableSinceNanos()).isGreaterThan(before);
    }
}
