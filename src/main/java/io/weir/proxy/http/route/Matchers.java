package io.weir.proxy.http.route;

import io.weir.config.RouteMatch;
import io.weir.config.RouteMatch.ValueMatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Compiles a {@link RouteMatch} into the few matchers it needs, cheapest first, so a request that
 * fails on host or path never pays for regexes, query parsing or cookie parsing.
 */
final class Matchers {

    private Matchers() {
    }

    static List<RequestMatcher> compile(RouteMatch match) {
        List<RequestMatcher> out = new ArrayList<>();
        match.host().ifPresent(h -> out.add(host(h)));
        if (!match.methods().isEmpty()) {
            Set<String> methods = Set.copyOf(match.methods());
            out.add(r -> methods.contains(r.method()));
        }
        match.path().ifPresent(p -> out.add(r -> r.path().equals(p)));
        match.pathPrefix().ifPresent(p -> out.add(r -> r.path().startsWith(p)));
        match.pathRegex().ifPresent(p -> {
            Pattern pattern = Pattern.compile(p);
            out.add(r -> pattern.matcher(r.path()).matches());
        });
        for (ValueMatch h : match.headers()) {
            out.add(values(h, (r, name) -> r.headers().getAll(name)));
        }
        for (ValueMatch q : match.query()) {
            out.add(values(q, RequestView::queryParam));
        }
        for (ValueMatch c : match.cookies()) {
            out.add(values(c, (r, name) -> {
                String v = r.cookie(name);
                return v == null ? List.of() : List.of(v);
            }));
        }
        return List.copyOf(out);
    }

    /** {@code api.example.com} exactly, or {@code *.example.com}: any name ending in {@code .example.com}. */
    static RequestMatcher host(String pattern) {
        String p = pattern.toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            String suffix = p.substring(1);
            return r -> r.host().endsWith(suffix) && r.host().length() > suffix.length();
        }
        return r -> r.host().equals(p);
    }

    private static RequestMatcher values(ValueMatch m, BiFunction<RequestView, String, List<String>> lookup) {
        String name = m.name();
        if (m.present().isPresent() && !m.present().get()) {
            return r -> lookup.apply(r, name).isEmpty();
        }
        if (m.value().isPresent()) {
            String value = m.value().get();
            return r -> lookup.apply(r, name).contains(value);
        }
        if (m.regex().isPresent()) {
            Pattern pattern = Pattern.compile(m.regex().get());
            return r -> lookup.apply(r, name).stream().anyMatch(v -> pattern.matcher(v).matches());
        }
        return r -> !lookup.apply(r, name).isEmpty();
    }
}
