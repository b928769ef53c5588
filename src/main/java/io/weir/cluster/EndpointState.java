package io.weir.cluster;

/** Where an endpoint stands: only {@code HEALTHY} endpoints take new traffic. */
public enum EndpointState { HEALTHY, UNHEALTHY, EJECTED, DRAINING }
