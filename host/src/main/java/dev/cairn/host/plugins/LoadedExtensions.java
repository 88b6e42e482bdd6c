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
        if (manager == null) {
            return;
        }
        // One by one over a copy: PF4J's unloadPlugins() iterates the list it modifies.
        for (org.pf4j.PluginWrapper plugin : new java.util.ArrayList<>(manager.getPlugins())) {
            try {
                manager.unloadPlugin(plugin.getPluginId());
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(LoadedExtensions.class).warn("unloading plugin {} failed: {}",
                        plugin.getPluginId(), e.toString());
            }
        }
    }
}
