package dev.cairn.server.metrics;

import dev.cairn.spi.MetricSample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Renders samples in the Prometheus text exposition format (version 0.0.4), one HELP/TYPE block per name. */
public final class PrometheusText {
    /** The {@code Content-Type} of the format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    /**
     * @param samples the samples, in any order; samples of one name are grouped, first HELP and TYPE win
     * @return the text
     */
    public static String render(List<MetricSample> samples) {
        Map<String, List<MetricSample>> byName = new LinkedHashMap<>();
        for (MetricSample s : samples) {
            byName.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(s);
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<MetricSample>> e : byName.entrySet()) {
            MetricSample first = e.getValue().get(0);
            out.append("# HELP ").append(e.getKey()).append(' ').append(escapeHelp(first.help())).append('\n');
            out.append("# TYPE ").append(e.getKey()).append(' ').append(first.type()).append('\n');
            for (MetricSample s : e.getValue()) {
                out.append(s.name());
                if (!s.labels().isEmpty()) {
                    out.append('{');
                    boolean comma = false;
                    for (Map.Entry<String, String> l : new TreeMap<>(s.labels()).entrySet()) {
                        if (comma) {
                            out.append(',');
                        }
                        comma = true;
                        out.append(l.getKey()).append("=\"").append(escapeLabel(l.getValue())).append('"');
                    }
                    out.append('}');
                }
                out.append(' ').append(format(s.value())).append('\n');
            }
        }
        return out.toString();
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
