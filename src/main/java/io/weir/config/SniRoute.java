package io.weir.config;

import java.util.List;

/**
 * One {@code sni_routes} entry of a tcp listener: TLS connections whose ClientHello names one of
 * {@code serverNames} go to {@code cluster}. Names are lower case; {@code *.example.org} matches exactly one
 * more label ({@code a.example.org}, not {@code example.org} nor {@code a.b.example.org}), as certificates do.
 */
public record SniRoute(List<String> serverNames, String cluster) {
}
