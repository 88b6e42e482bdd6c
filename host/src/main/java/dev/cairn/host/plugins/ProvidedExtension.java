package dev.cairn.host.plugins;

import dev.cairn.spi.Named;

import java.util.Objects;

/**
 * One factory (or command) registered by a plugin.
 *
 * @param type the extension point
 * @param name the factory's name
 * @param implementation the factory, wrapped so calls run with the plugin's context class loader
 * @param pluginId the plugin that provides it, or {@code classpath}
 */
public record ProvidedExtension(Class<? extends Named> type, String name, Named implementation, String pluginId) {
    /** Checks arguments. */
    public ProvidedExtension {
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(implementation, "implementation is null");
        Objects.requireNonNull(pluginId, "pluginId is null");
    }
}
