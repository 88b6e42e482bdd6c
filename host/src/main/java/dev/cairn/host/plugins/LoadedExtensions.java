package dev.cairn.host.plugins;

import org.slf4j.LoggerFactory;

/**
 * The registry plus the PF4J manager that owns the plugin class loaders; closing it stops and unloads the plugins.
 *
 * @param registry every extension
 * @param manager the PF4J manager, or null when no plugins folder exists
 */
public record LoadedExtensions(ExtensionRegistry registry, CairnPluginManager manager) implements AutoCloseable {
    @Override
    public void close() {
        if (manager != null) {
            try {
                manager.stopPlugins();
                manager.unloadPlugins();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(LoadedExtensions.class).warn("unloading plugins failed: {}", e.toString());
            }
        }
    }
}
