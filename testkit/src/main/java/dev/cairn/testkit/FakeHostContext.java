package dev.cairn.testkit;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.HostContext;
import dev.cairn.spi.Named;
import dev.cairn.spi.io.FileIoProcessorFactory;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.store.Store;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link HostContext} for plugin tests: factories come from {@link ServiceLoader} on the test class path, the
 * store, pool and I/O mode are whatever the test sets. Sections bind through a function the test supplies.
 */
public final class FakeHostContext implements HostContext {
    private final Path home;
    private volatile Store store;
    private volatile FilePool filePool;
    private volatile FileIoProcessorFactory fileIo;
    private volatile Clock clock = Clock.systemUTC();
    private final Map<String, Object> sections = new ConcurrentHashMap<>();
    private final List<String> listeners = new CopyOnWriteArrayList<>();

    /** @param home the directory relative paths resolve against */
    public FakeHostContext(Path home) {
        this.home = Objects.requireNonNull(home, "home is null");
    }

    /** @param store the store {@link #store()} returns */
    public FakeHostContext withStore(Store store) {
        this.store = store;
        return this;
    }

    /** @param pool the pool {@link #filePool()} returns */
    public FakeHostContext withFilePool(FilePool pool) {
        this.filePool = pool;
        return this;
    }

    /** @param io the I/O mode {@link #fileIo()} returns */
    public FakeHostContext withFileIo(FileIoProcessorFactory io) {
        this.fileIo = io;
        return this;
    }

    /** @param clock the clock {@link #clock()} returns */
    public FakeHostContext withClock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /**
     * @param name section name
     * @param value the already-built section record
     */
    public FakeHostContext withSection(String name, Object value) {
        sections.put(name, value);
        return this;
    }

    /** @return URLs announced through {@link #listening(String)} */
    public List<String> listeners() {
        return List.copyOf(listeners);
    }

    @Override
    public Path home() {
        return home;
    }

    @Override
    public Path resolve(String path) {
        return home.resolve(path).toAbsolutePath().normalize();
    }

    @Override
    public <F extends Named> F factory(Class<F> type, String name, String key) {
        List<String> names = new ArrayList<>();
        for (F f : factories(type)) {
            if (f.name().equals(name)) {
                return f;
            }
            names.add(f.name());
        }
        throw new ConfigurationException(key, "unknown " + type.getSimpleName() + " '" + name + "'; available: " + names);
    }

    @Override
    public <F extends Named> List<F> factories(Class<F> type) {
        List<F> found = new ArrayList<>();
        ServiceLoader.load(type).forEach(found::add);
        return found;
    }

    @Override
    public Store store() {
        return require(store, "cache.stores");
    }

    @Override
    public FilePool filePool() {
        return require(filePool, "pool");
    }

    @Override
    public FileIoProcessorFactory fileIo() {
        return require(fileIo, "io.mode");
    }

    @Override
    public <C> C section(String name, Class<C> type) {
        Object value = sections.get(name);
        if (value == null) {
            throw new ConfigurationException("sections." + name, "not set in this test");
        }
        return type.cast(value);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void listening(String url) {
        listeners.add(url);
    }

    private static <T> T require(T value, String key) {
        if (value == null) {
            throw new ConfigurationException(key, "not configured in this test");
        }
        return value;
    }
}
