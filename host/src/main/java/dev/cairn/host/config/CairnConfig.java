package dev.cairn.host.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * The whole configuration file. The host's own sections are records; the sections a plugin interprets ({@code
 * server}, each store, the pool, each service, {@code sections.*}) stay trees until the chosen factory's config
 * record is known, then {@link ConfigBinder} binds them with the same strict rules.
 *
 * @param plugins where plugin jars live
 * @param server the cache server ({@code cairn serve}); bound to the server's own record
 * @param cache the stores, fastest first
 * @param pool the file pool ({@code type} plus that pool's settings); absent means none configured
 * @param io the I/O mode
 * @param services long-running services started by {@code cairn serve}
 * @param status where status is published
 * @param log logging
 * @param sections settings of plugins, by section name
 */
public record CairnConfig(
        PluginsSection plugins,
        ObjectNode server,
        CacheSection cache,
        ObjectNode pool,
        IoSection io,
        List<ObjectNode> services,
        StatusSection status,
        LogSection log,
        Map<String, JsonNode> sections) {

    /** Applies defaults. */
    public CairnConfig {
        plugins = plugins == null ? new PluginsSection(null, null) : plugins;
        cache = cache == null ? new CacheSection(null, null, null) : cache;
        io = io == null ? new IoSection(null) : io;
        services = services == null ? List.of() : List.copyOf(services);
        status = status == null ? new StatusSection(null, null) : status;
        log = log == null ? new LogSection(null) : log;
        sections = sections == null ? Map.of() : Map.copyOf(sections);
    }

    /**
     * @param dir the plugins folder, relative to the home; default {@code plugins}
     * @param disabled plugin ids not to load even when their jar is present
     */
    public record PluginsSection(String dir, List<String> disabled) {
        /** Applies defaults. */
        public PluginsSection {
            dir = dir == null || dir.isBlank() ? "plugins" : dir;
            disabled = disabled == null ? List.of() : List.copyOf(disabled);
        }
    }

    /**
     * @param stores the stores, fastest first; several form one tiered store
     * @param probeInterval with several stores: how often a tier that failed is tried again (default 10 s)
     * @param errorLogInterval with several stores: errors of a tier are logged at most once per interval (default 60 s)
     */
    public record CacheSection(List<ObjectNode> stores, java.time.Duration probeInterval,
                               java.time.Duration errorLogInterval) {
        /** Applies defaults. */
        public CacheSection {
            stores = stores == null ? List.of() : List.copyOf(stores);
            probeInterval = probeInterval == null ? java.time.Duration.ofSeconds(10) : probeInterval;
            errorLogInterval = errorLogInterval == null ? java.time.Duration.ofSeconds(60) : errorLogInterval;
            if (probeInterval.isNegative() || probeInterval.isZero()) {
                throw new dev.cairn.spi.ConfigurationException("probeInterval", "must be positive");
            }
            if (errorLogInterval.isNegative() || errorLogInterval.isZero()) {
                throw new dev.cairn.spi.ConfigurationException("errorLogInterval", "must be positive");
            }
        }
    }

    /** @param mode the {@code FileIoProcessorFactory} name: {@code buffered} (default) or {@code direct} */
    public record IoSection(String mode) {
        /** Applies defaults. */
        public IoSection {
            mode = mode == null || mode.isBlank() ? "buffered" : mode;
        }
    }

    /**
     * @param dir when set, {@code cairn serve} projects status files there atomically ({@code ..data} swap)
     * @param interval how often to republish; default 10 s
     */
    public record StatusSection(String dir, java.time.Duration interval) {
        /** Applies defaults. */
        public StatusSection {
            interval = interval == null ? java.time.Duration.ofSeconds(10) : interval;
            if (interval.isNegative() || interval.isZero()) {
                throw new dev.cairn.spi.ConfigurationException("interval", "must be positive");
            }
        }
    }

    /** @param level root log level: error, warn, info (default), debug, trace */
    public record LogSection(LogLevel level) {
        /** Applies defaults. */
        public LogSection {
            level = level == null ? LogLevel.INFO : level;
        }
    }

    /** Log levels accepted in {@code log.level}. */
    public enum LogLevel { ERROR, WARN, INFO, DEBUG, TRACE }
}
