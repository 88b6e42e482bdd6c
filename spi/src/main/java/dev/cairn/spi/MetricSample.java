package dev.cairn.spi;

import java.util.Map;
import java.util.Objects;

/**
 * One Prometheus sample.
 *
 * @param name metric name, e.g. {@code cairn_pool_sectors_free}
 * @param help one line of help text
 * @param type {@code gauge} or {@code counter}
 * @param labels label names to values (may be empty)
 * @param value the value
 */
public record MetricSample(String name, String help, String type, Map<String, String> labels, double value) {
    /** Validates the name and copies the labels. */
    public MetricSample {
        Objects.requireNonNull(name, "name is null");
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("invalid metric name: " + name);
        }
        Objects.requireNonNull(help, "help is null");
        if (!type.equals("gauge") && !type.equals("counter")) {
            throw new IllegalArgumentException("type must be gauge or counter, not " + type);
        }
        labels = Map.copyOf(labels);
    }

    /**
     * @param name metric name
     * @param help help text
     * @param value value
     * @return a gauge without labels
     */
    public static MetricSample gauge(String name, String help, double value) {
        return new MetricSample(name, help, "gauge", Map.of(), value);
    }
}
