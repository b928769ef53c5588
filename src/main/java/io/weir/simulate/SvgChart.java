package io.weir.simulate;

import java.util.List;

/**
 * An SVG bar chart of latency percentiles (p50, p99, p99.9) per algorithm, on a log scale because the
 * interesting differences are in the tail; success rate is written under each group. Plain SVG text,
 * no dependency.
 */
public final class SvgChart {

    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#e15759"};
    private static final String[] LABELS = {"p50", "p99", "p99.9"};
    private static final int HEIGHT = 300;
    private static final int TOP = 40;
    private static final int LEFT = 70;
    private static final int GROUP = 140;
    private static final int BAR = 28;

    private SvgChart() {
    }

    public static String render(Scenario scenario, List<RunResult> results) {
        double minMs = Double.MAX_VALUE;
        double maxMs = 0;
        for (RunResult r : results) {
            for (long v : values(r)) {
                double ms = Math.max(v / 1e6, 0.01);
                minMs = Math.min(minMs, ms);
                maxMs = Math.max(maxMs, ms);
            }
        }
        // One decade below the smallest value, so the shortest bar still shows.
        double lo = Math.pow(10, Math.floor(Math.log10(minMs) - 1e-9));
        double hi = Math.pow(10, Math.ceil(Math.log10(Math.max(maxMs, lo * 10))));
        int width = LEFT + GROUP * results.size() + 20;
        int total = TOP + HEIGHT + 70;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", width, total));
        svg.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, total));
        svg.append(String.format("<text x=\"%d\" y=\"18\" font-size=\"14\">%s: latency per algorithm (ms, log scale)</text>%n",
                LEFT, escape(scenario.name())));
        for (double tick = lo; tick <= hi * 1.0001; tick *= 10) {
            int y = y(tick, lo, hi);
            svg.append(String.format("<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>%n", LEFT, width - 10, y, y));
            svg.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 4, trim(tick)));
        }
        for (int g = 0; g < results.size(); g++) {
            RunResult r = results.get(g);
            long[] v = values(r);
            int x0 = LEFT + g * GROUP + 10;
            for (int b = 0; b < v.length; b++) {
                double ms = Math.max(v[b] / 1e6, lo);
                int y = y(ms, lo, hi);
                svg.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                        + "<title>%s %s: %s ms</title></rect>%n", x0 + b * BAR, y, BAR - 4, TOP + HEIGHT - y,
                        COLORS[b], escape(r.algorithm()), LABELS[b], Durations.ms(v[b])));
            }
            int cx = x0 + BAR * 3 / 2;
            svg.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", cx, TOP + HEIGHT + 16,
                    escape(r.algorithm())));
            svg.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%.2f%% ok</text>%n",
                    cx, TOP + HEIGHT + 32, 100 * r.successRate()));
        }
        for (int b = 0; b < LABELS.length; b++) {
            int x = LEFT + b * 70;
            svg.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", x, total - 18, COLORS[b], x + 14, total - 9, LABELS[b]));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static long[] values(RunResult r) {
        return new long[] {r.p50Nanos(), r.p99Nanos(), r.p999Nanos()};
    }

    private static int y(double ms, double lo, double hi) {
        double f = (Math.log10(ms) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
        return TOP + HEIGHT - (int) Math.round(f * HEIGHT);
    }

    private static String trim(double v) {
        return v >= 1 ? String.format("%.0f", v) : String.valueOf(v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
