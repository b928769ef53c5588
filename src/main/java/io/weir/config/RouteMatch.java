package io.weir.config;

import java.util.List;
import java.util.Optional;

/**
 * What a request must look like for a route to take it; every present condition must hold.
 *
 * @param host    exact ({@code api.example.com}) or leading wildcard ({@code *.example.com}); port ignored
 * @param methods empty = any
 */
public record RouteMatch(Optional<String> host, Optional<String> path, Optional<String> pathPrefix,
                         Optional<String> pathRegex, List<String> methods, List<ValueMatch> headers,
                         List<ValueMatch> query, List<ValueMatch> cookies) {

    public static final RouteMatch ANY = new RouteMatch(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), List.of(), List.of(), List.of(), List.of());

    /**
     * One named value to look at: {@code { name: x-canary, value: "1" }}, {@code { name: x, regex: "a.*" }},
     * {@code { name: x, present: true }} (present: false = must be absent). With none of value/regex/present
     * it must be present.
     */
    public record ValueMatch(String name, Optional<String> value, Optional<String> regex, Optional<Boolean> present) { }
}
