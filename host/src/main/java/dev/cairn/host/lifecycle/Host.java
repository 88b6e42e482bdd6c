package dev.cairn.host.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.host.config.CairnConfig;
import dev.cairn.host.config.ConfigBinder;
import dev.cairn.host.config.LoadedConfig;
import dev.cairn.host.plugins.ExtensionRegistry;
import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.HostContext;
import dev.cairn.spi.Named;
import dev.cairn.spi.NamedFactory;
import dev.cairn.spi.io.FileIoProcessorFactory;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.FilePoolFactory;
import dev.cairn.spi.service.Service;
import dev.cairn.spi.service.ServiceFactory;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFactory;
import dev.cairn.tier.TieredStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link HostContext} of one run: the validated config and the registry; the store, pool and I/O mode are built
 * on first use and closed with the host, so a command that needs no cache never opens one.
 */
public final class Host implements HostContext, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Host.class);
    private static final java.util.Set<String> TOP_LEVEL_KEYS = java.util.Set.of(
            "plugins", "server", "cache", "pool", "io", "services", "status", "log", "sections");
    private final Path home;
    private final LoadedConfig loaded;
    private final ExtensionRegistry registry;
    private final ConfigBinder binder;
    private final Clock clock;
    private final List<String> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Store store;
    private List<Store> tiers = List.of();
    private FilePool pool;
    private boolean closed;

    /**
     * @param home the distribution home
     * @param loaded the config
     * @param registry the extensions
     * @param binder binds plugin sections
     * @param clock the clock plugins get
     */
    public Host(Path home, LoadedConfig loaded, ExtensionRegistry registry, ConfigBinder binder, Clock clock) {
        this.home = Objects.requireNonNull(home, "home is null").toAbsolutePath().normalize();
        this.loaded = Objects.requireNonNull(loaded, "loaded is null");
        this.registry = Objects.requireNonNull(registry, "registry is null");
        this.binder = Objects.requireNonNull(binder, "binder is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** @return the config */
    public CairnConfig config() {
        return loaded.config();
    }

    /** @return the config as loaded */
    public LoadedConfig loaded() {
        return loaded;
    }

    /** @return the registry */
    public ExtensionRegistry registry() {
        return registry;
    }

    /** @return the binder */
    public ConfigBinder binder() {
        return binder;
    }

    /**
     * Resolves and binds every configured role without creating anything, so {@code config check} and start-up
     * report every mistake before a store is opened.
     *
     * @return one line per role, describing what was chosen
     * @throws ConfigurationException on the first invalid setting
     */
    public List<String> validate() {
        List<String> out = new ArrayList<>();
        List<ObjectNode> stores = config().cache().stores();
        for (int i = 0; i < stores.size(); i++) {
            String key = "cache.stores[" + i + "]";
            Typed<StoreFactory<?>> t = typed(stores.get(i), key, storeFactoryType());
            out.add(key + ": " + t.factory().name() + " " + t.config());
        }
        if (config().pool() != null) {
            Typed<FilePoolFactory<?>> t = typed(config().pool(), "pool", poolFactoryType());
            out.add("pool: " + t.factory().name() + " " + t.config());
        }
        out.add("io.mode: " + fileIo().name());
        List<ObjectNode> services = config().services();
        for (int i = 0; i < services.size(); i++) {
            String key = "services[" + i + "]";
            Typed<ServiceFactory<?>> t = typed(services.get(i), key, serviceFactoryType());
            out.add(key + ": " + t.factory().name() + " " + t.config());
        }
        return out;
    }

    @Override
    public Path home() {
        return home;
    }

    @Override
    public Path resolve(String path) {
        Objects.requireNonNull(path, "path is null");
        String expanded = path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
        return home.resolve(expanded).toAbsolutePath().normalize();
    }

    @Override
    public <F extends Named> F factory(Class<F> type, String name, String key) {
        return registry.find(type, name, key);
    }

    @Override
    public <F extends Named> List<F> factories(Class<F> type) {
        return registry.all(type);
    }

    @Override
    public synchronized Store store() {
        checkOpen();
        if (store == null) {
            List<ObjectNode> configured = config().cache().stores();
            if (configured.isEmpty()) {
                throw new ConfigurationException("cache.stores", "no store configured; add one, e.g. "
                        + "cache: {stores: [{type: disk, dir: var/cache, maxSize: 10GiB}]}");
            }
            List<Store> opened = new ArrayList<>();
            try {
                for (int i = 0; i < configured.size(); i++) {
                    String key = "cache.stores[" + i + "]";
                    opened.add(create(typed(configured.get(i), key, storeFactoryType()), key));
                }
            } catch (RuntimeException e) {
                closeQuietly(opened);
                throw e;
            }
            tiers = List.copyOf(opened);
            store = opened.size() == 1 ? opened.get(0) : new TieredStore(opened, new dev.cairn.tier.TierOptions(
                    config().cache().probeInterval(), config().cache().errorLogInterval()), clock);
            log.info("cache: {}", store.describe());
        }
        return store;
    }

    /** @return the stores of {@code cache.stores}, once {@link #store()} opened them */
    public synchronized List<Store> tiers() {
        return tiers;
    }

    /** @return the pool when one is configured (creating it), else empty */
    public Optional<FilePool> configuredPool() {
        return config().pool() == null ? Optional.empty() : Optional.of(filePool());
    }

    @Override
    public synchronized FilePool filePool() {
        checkOpen();
        if (pool == null) {
            if (config().pool() == null) {
                throw new ConfigurationException("pool", "no file pool configured; add one, e.g. pool: {type: temp}"
                        + " (" + names(FilePoolFactory.class) + ")");
            }
            pool = create(typed(config().pool(), "pool", poolFactoryType()), "pool");
        }
        return pool;
    }

    @Override
    public FileIoProcessorFactory fileIo() {
        return registry.find(FileIoProcessorFactory.class, config().io().mode(), "io.mode");
    }

    @Override
    public <C> C section(String name, Class<C> type) {
        JsonNode node = config().sections().get(name);
        return binder.bind(node, type, "sections." + name);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void listening(String url) {
        listeners.add(url);
        // The one line operators and scripts wait for; keep its format.
        log.info("listening on {}", url);
    }

    /** @return every URL announced so far */
    public List<String> listeners() {
        return List.copyOf(listeners);
    }

    /**
     * Creates the services of {@code services}, in order (not started).
     *
     * @return the services with their config keys
     */
    public List<NamedService> createServices() {
        List<NamedService> out = new ArrayList<>();
        List<ObjectNode> services = config().services();
        for (int i = 0; i < services.size(); i++) {
            String key = "services[" + i + "]";
            Typed<ServiceFactory<?>> t = typed(services.get(i), key, serviceFactoryType());
            out.add(new NamedService(key, t.factory().name(), create(t, key)));
        }
        return out;
    }

    /** A configured service. @param key its config key @param type its factory name @param service the service */
    public record NamedService(String key, String type, Service service) {
    }

    private record Typed<F extends NamedFactory<?, ?>>(F factory, Object config) {
    }

    private <F extends NamedFactory<?, ?>> Typed<F> typed(ObjectNode node, String key, Class<F> type) {
        if (node == null || !node.isObject()) {
            throw new ConfigurationException(key, "must be a mapping with a 'type' key");
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new ConfigurationException(key + ".type", "missing; " + names(rawRole(type)));
        }
        F factory = registry.find(type, typeNode.asText(), key + ".type");
        ObjectNode settings = node.deepCopy();
        settings.remove("type");
        Object config = binder.bind(settings, factory.configType(), key);
        return new Typed<>(factory, config);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T> T create(Typed<? extends NamedFactory<?, T>> typed, String key) {
        NamedFactory raw = typed.factory();
        try {
            return (T) raw.create(typed.config(), this);
        } catch (ConfigurationException e) {
            // A plugin names its own keys relative to its section; a full key (pool.allocator) is kept as it is.
            String top = e.key().split("[.\\[]", 2)[0];
            if (e.key().startsWith(key) || TOP_LEVEL_KEYS.contains(top)) {
                throw e;
            }
            throw new ConfigurationException(key + "." + e.key(),
                    e.getMessage().substring(Math.min(e.getMessage().length(), e.key().length() + 2)), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new HostStartupException(key + " (" + typed.factory().name() + ") cannot be started: " + e, e);
        }
    }

    private String names(Class<? extends Named> type) {
        List<String> names = registry.all(type).stream().map(Named::name).toList();
        return names.isEmpty() ? "no implementation is available" : "available: " + String.join(", ", names);
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends Named> rawRole(Class<?> type) {
        return (Class<? extends Named>) type;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Class<StoreFactory<?>> storeFactoryType() {
        return (Class) StoreFactory.class;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Class<FilePoolFactory<?>> poolFactoryType() {
        return (Class) FilePoolFactory.class;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Class<ServiceFactory<?>> serviceFactoryType() {
        return (Class) ServiceFactory.class;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("host is closed");
        }
    }

    private static void closeQuietly(List<Store> stores) {
        for (Store s : stores) {
            try {
                s.close();
            } catch (IOException | RuntimeException e) {
                log.warn("closing {} failed: {}", s.describe(), e.toString());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (store != null) {
            try {
                store.close();
            } catch (IOException | RuntimeException e) {
                log.warn("closing the cache failed: {}", e.toString());
            }
        }
        if (pool != null) {
            try {
                pool.close();
            } catch (IOException | RuntimeException e) {
                log.warn("closing the file pool failed: {}", e.toString());
            }
        }
    }
}
