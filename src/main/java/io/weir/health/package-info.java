/**
 * Deciding which endpoints take traffic: active checkers (tcp, http) with a rise/fall tracker per
 * endpoint, and outlier detection fed by real traffic. Verdicts go to the endpoint
 * ({@code setPassingChecks}, {@code setEjected}) and the cluster rebuilds its balancer snapshot.
 * Everything here runs on Weir's event loops and never blocks.
 */
package io.weir.health;
