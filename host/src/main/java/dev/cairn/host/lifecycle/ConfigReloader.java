package dev.cairn.host.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.host.config.CairnConfig;
import dev.cairn.host.config.ConfigLoader;
import dev.cairn.host.config.ConfigSource;
import dev.cairn.host.config.LoadedConfig;
import dev.cairn.server.CacheServer;
import dev.cairn.server.ServerConfig;
import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Applies a changed config file to a running {@code cairn serve}: what can change live (log level, the server's auth
 * users and limits, each store's {@code maxSize}) is applied; everything else is logged as needing a restart; a new
 * config that does not load or validate is rejected with its error logged, and the running config is kept.
 */
public final class ConfigReloader {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);
    private static final Set<String> HOST_SECTIONS = Set.of("plugins", "pool", "io", "services", "status", "sections");
    private final ConfigLoader loader;
    private final ConfigSource source;
    private final Host host;
    private final CacheServer server;
    private final Consumer<CairnConfig.LogLevel> logLevel;
    private LoadedConfig current;

    /**
     * @param loader reads the config file
     * @param source the config file
     * @param host the running host (its registry validates the new config)
     * @param server the running cache server, or null
     * @param logLevel applies a log level
     */
    public ConfigReloader(ConfigLoader loader, ConfigSource source, Host host, CacheServer server,
                          Consumer<CairnConfig.LogLevel> logLevel) {
        this.loader = Objects.requireNonNull(loader, "loader is null");
        this.source = Objects.requireNonNull(source, "source is null");
        this.host = Objects.requireNonNull(host, "host is null");
        this.server = server;
        this.logLevel = Objects.requireNonNull(logLevel, "logLevel is null");
        this.current = host.loaded();
    }

    /**
     * What a reload did.
     *
     * @param accepted whether the new config was taken
     * @param applied keys applied live
     * @param needRestart keys that changed but need a restart
     * @param error why the new config was rejected
     */
    public record Result(boolean accepted, List<String> applied, List<String> needRestart, String error) {
    }

    /** @return the config in effect */
    public synchronized LoadedConfig current() {
        return current;
    }

    /**
     * Reads the config file again and applies it.
     *
     * @return what happened
     */
    public synchronized Result reload() {
        LoadedConfig next;
        ServerConfig nextServer;
        try {
            next = loader.load(source);
            Host candidate = new Host(host.home(), next, host.registry(), host.binder(), host.clock());
            candidate.validate();
            nextServer = Server.serverConfig(candidate);
        } catch (ConfigurationException e) {
            log.error("config reload rejected, keeping the running config: {}", e.getMessage());
            return new Result(false, List.of(), List.of(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("config reload rejected, keeping the running config: {}", e.toString());
            return new Result(false, List.of(), List.of(), e.toString());
        }
        List<String> applied = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        JsonNode before = current.tree();
        JsonNode after = next.tree();
        if (!Objects.equals(before.get("log"), after.get("log"))) {
            logLevel.accept(next.config().log().level());
            applied.add("log.level");
        }
        if (!Objects.equals(before.get("server"), after.get("server"))) {
            if (server == null) {
                restart.add("server");
            } else {
                List<String> needRestart = server.reconfigure(nextServer);
                restart.addAll(needRestart);
                applied.add("server" + (needRestart.isEmpty() ? "" : " (except " + String.join(", ", needRestart) + ")"));
            }
        }
        if (!Objects.equals(before.get("cache"), after.get("cache"))) {
            applyStores(current.config().cache().stores(), next.config().cache().stores(), applied, restart);
        }
        for (String section : HOST_SECTIONS) {
            if (!Objects.equals(before.get(section), after.get(section))) {
                restart.add(section);
            }
        }
        current = next;
        if (applied.isEmpty() && restart.isEmpty()) {
            log.info("config reloaded: no changes");
        } else {
            log.info("config reloaded: applied {}{}", applied.isEmpty() ? "nothing" : String.join(", ", applied),
                    restart.isEmpty() ? "" : "; restart needed for " + String.join(", ", restart));
        }
        return new Result(true, List.copyOf(applied), List.copyOf(restart), null);
    }

    private void applyStores(List<ObjectNode> before, List<ObjectNode> after, List<String> applied,
                             List<String> restart) {
        if (before.size() != after.size()) {
            restart.add("cache.stores");
            return;
        }
        List<Store> tiers = host.tiers();
        for (int i = 0; i < before.size(); i++) {
            ObjectNode a = before.get(i).deepCopy();
            ObjectNode b = after.get(i).deepCopy();
            JsonNode oldMax = a.remove("maxSize");
            JsonNode newMax = b.remove("maxSize");
            String key = "cache.stores[" + i + "]";
            if (!a.equals(b)) {
                restart.add(key);
            } else if (!Objects.equals(oldMax, newMax)) {
                long bytes = newMax == null ? 0 : maxSize(newMax, key);
                if (i < tiers.size() && tiers.get(i).setMaxSize(bytes)) {
                    applied.add(key + ".maxSize");
                } else {
                    restart.add(key + ".maxSize");
                }
            }
        }
    }

    private long maxSize(JsonNode node, String key) {
        return node.isNumber() ? node.asLong() : DataSize.parse(node.asText()).bytes();
    }
}
