package dev.cairn.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.server.metrics.NamespaceCounters;
import dev.cairn.server.metrics.PrometheusText;
import dev.cairn.server.route.PathRouter;
import dev.cairn.server.staging.Staging;
import dev.cairn.spi.MetricSample;
import dev.cairn.spi.StatusSource;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreStats;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Counters and the {@code /status} and {@code /metrics} documents of a running server. */
final class ServerState {
    /** Namespaces reported even before their first request. */
    static final List<String> KNOWN = List.of(PathRouter.BAZEL_AC, PathRouter.BAZEL_CAS, PathRouter.GRADLE,
            PathRouter.FILES);

    private final Store store;
    private final StatusSource host;
    private final Clock clock;
    private final Instant started;
    private final Supplier<Map<String, Object>> serverInfo;
    private final Supplier<Staging> staging;
    private final Map<String, NamespaceCounters> counters = new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    ServerState(Store store, StatusSource host, Clock clock, Supplier<Map<String, Object>> serverInfo,
                Supplier<Staging> staging) {
        this.store = store;
        this.host = host;
        this.clock = clock;
        this.started = clock.instant();
        this.serverInfo = serverInfo;
        this.staging = staging;
        for (String ns : KNOWN) {
            counters.put(ns, new NamespaceCounters());
        }
    }

    NamespaceCounters counters(String namespace) {
        return counters.computeIfAbsent(namespace, n -> new NamespaceCounters());
    }

    private double uptimeSeconds() {
        return Duration.between(started, clock.instant()).toMillis() / 1000.0;
    }

    /** @return namespace names, sorted */
    private List<String> namespaces() {
        return new ArrayList<>(new TreeMap<>(counters).keySet());
    }

    Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>(host.status());
        Map<String, Object> server = new LinkedHashMap<>(serverInfo.get());
        server.put("uptimeSeconds", uptimeSeconds());
        server.put("store", store.describe());
        Staging st = staging.get();
        if (st != null) {
            server.put("staging", Map.of("area", st.describe(), "uploadsInFlight", st.inFlight(),
                    "memoryBytes", st.memoryBytes()));
        }
        out.put("server", server);
        Map<String, Object> namespaces = new LinkedHashMap<>();
        for (String ns : namespaces()) {
            NamespaceCounters c = counters(ns);
            Map<String, Object> n = new LinkedHashMap<>();
            try {
                StoreStats stats = store.namespace(ns).stats();
                n.put("sizeBytes", stats.sizeBytes());
                n.put("entries", stats.entries());
                n.put("maxSizeBytes", stats.maxSizeBytes());
            } catch (IOException | RuntimeException e) {
                n.put("error", e.toString());
            }
            n.put("hits", c.hits());
            n.put("misses", c.misses());
            n.put("puts", c.puts());
            n.put("deletes", c.deletes());
            n.put("bytesRead", c.bytesRead());
            n.put("bytesWritten", c.bytesWritten());
            namespaces.put(ns, n);
        }
        out.put("namespaces", namespaces);
        return out;
    }

    String statusJson() {
        try {
            return json.writeValueAsString(status()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status is not serialisable: " + e.getMessage(), e);
        }
    }

    List<MetricSample> metrics() {
        List<MetricSample> out = new ArrayList<>();
        out.add(MetricSample.gauge("cairn_server_uptime_seconds", "Seconds since the cache server started.",
                uptimeSeconds()));
        Staging st = staging.get();
        if (st != null) {
            out.add(MetricSample.gauge("cairn_server_uploads_in_flight", "Uploads being staged right now.",
                    st.inFlight()));
            out.add(MetricSample.gauge("cairn_server_staging_memory_bytes",
                    "Heap held by uploads of up to 4 MiB staged in memory right now.", st.memoryBytes()));
        }
        for (String ns : namespaces()) {
            NamespaceCounters c = counters(ns);
            Map<String, String> l = Map.of("namespace", ns);
            out.add(new MetricSample("cairn_cache_requests_total", "Cache lookups by namespace and result.",
                    "counter", Map.of("namespace", ns, "result", "hit"), c.hits()));
            out.add(new MetricSample("cairn_cache_requests_total", "Cache lookups by namespace and result.",
                    "counter", Map.of("namespace", ns, "result", "miss"), c.misses()));
            out.add(new MetricSample("cairn_cache_puts_total", "Uploads stored.", "counter", l, c.puts()));
            out.add(new MetricSample("cairn_cache_deletes_total", "Entries deleted.", "counter", l, c.deletes()));
            out.add(new MetricSample("cairn_cache_read_bytes_total", "Bytes served.", "counter", l, c.bytesRead()));
            out.add(new MetricSample("cairn_cache_written_bytes_total", "Bytes stored.", "counter", l,
                    c.bytesWritten()));
            try {
                StoreStats stats = store.namespace(ns).stats();
                out.add(new MetricSample("cairn_store_size_bytes", "Bytes held by complete entries.", "gauge", l,
                        stats.sizeBytes()));
                out.add(new MetricSample("cairn_store_entries", "Complete entries.", "gauge", l, stats.entries()));
                out.add(new MetricSample("cairn_store_max_size_bytes", "Size budget, 0 for unlimited.", "gauge", l,
                        stats.maxSizeBytes()));
            } catch (IOException | RuntimeException e) {
                // The store is unreachable: its gauges are left out rather than reported as zero; /status says why.
                out.add(new MetricSample("cairn_store_stats_errors", "1 when the namespace's stats failed.",
                        "gauge", l, 1));
            }
        }
        out.addAll(host.metrics());
        return out;
    }

    String metricsText() {
        return PrometheusText.render(metrics());
    }
}
