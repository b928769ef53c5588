package io.weir.proxy.http.route;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.weir.cluster.ClusterManager;
import io.weir.config.ConfigLoader;
import io.weir.config.WeirConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link RouteAction.Split#choose()} gives each cluster its share of the weights. */
class SplitTest {

    private static final int DRAWS = 100_000;

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({"1, 99", "10, 90", "50, 50", "0, 1"})
    void sharesFollowTheWeights(int weightA, int weightB) throws Exception {
        RouteAction.Split split = compileSplit("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - split: [ { cluster: a, weight: %d }, { cluster: b, weight: %d } ]
                clusters:
                  - name: a
                    endpoints: [ 127.0.0.1:9001 ]
                  - name: b
                    endpoints: [ 127.0.0.1:9002 ]
                """.formatted(weightA, weightB));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < DRAWS; i++) {
            counts.merge(split.choose().name(), 1, Integer::sum);
        }
        double total = weightA + weightB;
        assertThat(percent(counts.getOrDefault("a", 0))).isCloseTo(100 * weightA / total, within(1.0));
        assertThat(percent(counts.getOrDefault("b", 0))).isCloseTo(100 * weightB / total, within(1.0));
        if (weightA == 0) {
            assertThat(counts).doesNotContainKey("a");
        }
    }

    @ParameterizedTest(name = "{0}/{1}/{2}")
    @CsvSource({"1, 1, 2", "700, 200, 100"})
    void threeWaySharesFollowTheWeights(int wa, int wb, int wc) throws Exception {
        RouteAction.Split split = compileSplit("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - split: [ { cluster: a, weight: %d }, { cluster: b, weight: %d }, { cluster: c, weight: %d } ]
                clusters:
                  - name: a
                    endpoints: [ 127.0.0.1:9001 ]
                  - name: b
                    endpoints: [ 127.0.0.1:9002 ]
                  - name: c
                    endpoints: [ 127.0.0.1:9003 ]
                """.formatted(wa, wb, wc));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < DRAWS; i++) {
            counts.merge(split.choose().name(), 1, Integer::sum);
        }
        double total = wa + wb + wc;
        assertThat(percent(counts.get("a"))).isCloseTo(100 * wa / total, within(1.0));
        assertThat(percent(counts.get("b"))).isCloseTo(100 * wb / total, within(1.0));
        assertThat(percent(counts.get("c"))).isCloseTo(100 * wc / total, within(1.0));
    }

    private static double percent(int count) {
        return 100.0 * count / DRAWS;
    }

    private static RouteAction.Split compileSplit(String yaml) throws Exception {
        WeirConfig config = ConfigLoader.parse(yaml, Path.of("test.yaml"), Map.of());
        Router router = Router.compile(config.listeners().get(0).routes(), ClusterManager.build(config.clusters()));
        Route route = router.route(new RequestView(
                new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/")));
        assertThat(route).isNotNull();
        return (RouteAction.Split) route.action();
    }
}
