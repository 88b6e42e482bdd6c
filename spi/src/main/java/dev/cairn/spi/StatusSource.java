package dev.cairn.spi;

import java.util.List;
import java.util.Map;

/**
 * Something that reports its state to {@code GET /status} and {@code GET /metrics}.
 */
public interface StatusSource {
    /**
     * @return a JSON-like tree (maps, lists, strings, numbers, booleans) describing the current state
     */
    default Map<String, Object> status() {
        return Map.of();
    }

    /**
     * @return metric samples for the Prometheus endpoint
     */
    default List<MetricSample> metrics() {
        return List.of();
    }
}
