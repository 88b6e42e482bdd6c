package dev.cairn.spi;

import dev.cairn.spi.io.FileIoProcessorFactory;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.store.Store;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * What the host offers to plugins. Everything here is created lazily on first use, so a command that needs no cache
 * never opens one.
 */
public interface HostContext {
    /**
     * @return the distribution's home directory; relative paths in configuration resolve against it
     */
    Path home();

    /**
     * Resolves a path from configuration: absolute paths are kept, relative ones resolve against {@link #home()}.
     *
     * @param path a path as written in configuration
     * @return the absolute, normalized path
     */
    Path resolve(String path);

    /**
     * Finds a factory by extension point and name.
     *
     * @param type the extension point, e.g. {@code SectorAllocatorFactory.class}
     * @param name the configured name
     * @param key the configuration key the name came from, used in the error message
     * @param <F> the extension point type
     * @return the factory
     * @throws ConfigurationException naming the key, the available names and the plugins that provide them
     */
    <F extends Named> F factory(Class<F> type, String name, String key);

    /**
     * @param type an extension point
     * @param <F> the extension point type
     * @return every factory of that extension point, from every plugin and the class path
     */
    <F extends Named> List<F> factories(Class<F> type);

    /**
     * @return the configured cache ({@code cache.stores}; several stores form one tiered store)
     * @throws ConfigurationException when the cache configuration is invalid
     */
    Store store();

    /**
     * @return the configured file pool ({@code pool}), used for temporary and staged files
     * @throws ConfigurationException when the pool configuration is invalid
     */
    FilePool filePool();

    /**
     * @return the configured I/O mode ({@code io.mode}: {@code buffered} or {@code direct}) for file I/O
     * @throws ConfigurationException when no plugin provides the configured mode
     */
    FileIoProcessorFactory fileIo();

    /**
     * Binds a plugin's own top-level configuration section ({@code sections.<name>}). An absent section binds
     * as an empty object, so records should give defaults for every component.
     *
     * @param name the section name, conventionally the plugin's name
     * @param type the record to bind to
     * @param <C> the record type
     * @return the bound section
     * @throws ConfigurationException when the section is invalid
     */
    <C> C section(String name, Class<C> type);

    /**
     * @return the clock to use for timestamps and ages (injected so tests can control time)
     */
    Clock clock();

    /**
     * Announces that a listener accepts connections; the host logs {@code listening on <url>} in the one format
     * operators and scripts rely on.
     *
     * @param url the listener's URL, e.g. {@code http://127.0.0.1:8080}
     */
    void listening(String url);
}
