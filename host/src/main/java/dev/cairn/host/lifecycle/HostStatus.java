package dev.cairn.host.lifecycle;

import dev.cairn.host.plugins.PluginInfo;
import dev.cairn.host.plugins.ProvidedExtension;
import dev.cairn.spi.MetricSample;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StatusSource;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.store.Store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The host's part of {@code /status} and {@code /metrics}: plugins and what is in use, the pool, the services, and
 * the tiers when the store reports on them.
 */
public final class HostStatus implements StatusSource {
    private final Host host;
    private final Supplier<List<Host.NamedService>> services;
    private final long startedAtMillis;

    /**
     * @param host the host
     * @param services the running services
     */
    public HostStatus(Host host, Supplier<List<Host.NamedService>> services) {
        this.host = Objects.requireNonNull(host, "host is null");
        this.services = Objects.requireNonNull(services, "services is null");
        this.startedAtMillis = host.clock().millis();
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("spiVersion", SpiVersion.CURRENT);
        out.put("config", host.loaded().source().description());
        out.put("startedAtMillis", startedAtMillis);
        List<Map<String, Object>> plugins = new ArrayList<>();
        for (PluginInfo p : host.registry().plugins()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", p.id());
            m.put("version", p.version());
            m.put("state", p.state());
            m.put("provides", p.extensions().stream().map(ProvidedExtension::name).sorted().toList());
            p.path().ifPresent(path -> m.put("path", path.toString()));
            p.error().ifPresent(e -> m.put("error", e));
            plugins.add(m);
        }
        out.put("plugins", plugins);
        Map<String, Object> inUse = new LinkedHashMap<>();
        inUse.put("stores", host.tiers().stream().map(Store::describe).toList());
        inUse.put("ioMode", host.config().io().mode());
        if (host.config().pool() != null) {
            inUse.put("pool", host.config().pool().path("type").asText());
            inUse.put("allocator", host.config().pool().path("allocator").asText(""));
        }
        out.put("inUse", inUse);
        host.configuredPool().ifPresent(pool -> out.put("pool", pool.status()));
        Map<String, Object> svc = new LinkedHashMap<>();
        for (Host.NamedService s : services.get()) {
            svc.put(s.key() + ":" + s.type(), s.service().status());
        }
        if (!svc.isEmpty()) {
            out.put("services", svc);
        }
        Store store = host.tiers().isEmpty() ? null : host.store();
        if (store instanceof StatusSource source) {
            out.put("cache", source.status());
        }
        return out;
    }

    @Override
    public List<MetricSample> metrics() {
        List<MetricSample> out = new ArrayList<>();
        out.add(MetricSample.gauge("cairn_plugins_loaded", "Plugins loaded from the plugins folder",
                host.registry().plugins().stream().filter(p -> !p.path().isEmpty() && p.state().equals("STARTED")).count()));
        host.configuredPool().ifPresent((FilePool pool) -> out.addAll(pool.metrics()));
        for (Host.NamedService s : services.get()) {
            out.addAll(s.service().metrics());
        }
        Store store = host.tiers().isEmpty() ? null : host.store();
        if (store instanceof StatusSource source) {
            out.addAll(source.metrics());
        }
        return out;
    }
}
