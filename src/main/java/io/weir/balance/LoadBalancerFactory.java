package io.weir.balance;

import java.util.List;

/** Builds a balancer snapshot for a host set; one factory per cluster, configured once. */
@FunctionalInterface
public interface LoadBalancerFactory {

    <H extends Host> LoadBalancer<H> create(List<H> hosts);
}
