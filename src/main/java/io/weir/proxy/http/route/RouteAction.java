package io.weir.proxy.http.route;

import io.weir.cluster.Cluster;
import io.weir.config.RouteConfig;

import java.util.concurrent.ThreadLocalRandom;

/** What a matched route does with the request. */
public sealed interface RouteAction {

    /** Forward to one cluster. */
    record Forward(Cluster cluster) implements RouteAction { }

    /** Forward to one of several clusters, chosen at random in proportion to the weights. */
    record Split(Cluster[] clusters, int[] cumulativeWeights) implements RouteAction {

        public Cluster choose() {
            int total = cumulativeWeights[cumulativeWeights.length - 1];
            int r = ThreadLocalRandom.current().nextInt(total);
            for (int i = 0; i < cumulativeWeights.length; i++) {
                if (r < cumulativeWeights[i]) {
                    return clusters[i];
                }
            }
            return clusters[clusters.length - 1];
        }
    }

    /** Answer with a redirect built from the request and the configured parts. */
    record Redirect(RouteConfig.Redirect config) implements RouteAction { }

    /** Answer with a fixed response. */
    record Respond(RouteConfig.DirectResponse config) implements RouteAction { }
}
