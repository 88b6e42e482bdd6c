package dev.cairn.server.metrics;

import dev.cairn.spi.MetricSample;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PrometheusTextTest {
    @Test
    void groupsSamplesByNameWithOneHelpAndType() {
        String text = PrometheusText.render(List.of(
                new MetricSample("hits_total", "Hits.", "counter", Map.of("ns", "a", "b", "x\"y"), 3),
                MetricSample.gauge("up", "Up.\nTwo lines", 1.5),
                new MetricSample("hits_total", "ignored", "counter", Map.of("ns", "b"), 1e20)));
        assertEquals("""
                # HELP hits_total Hits.
                # TYPE hits_total counter
                hits_total{b="x\\"y",ns="a"} 3
                hits_total{ns="b"} 1.0E20
                # HELP up Up.\\nTwo lines
                # TYPE up gauge
                up 1.5
                """, text);
    }
}
