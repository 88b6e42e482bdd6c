package dev.cairn.host.plugins;

/** A plugin cannot be loaded: corrupt jar, wrong SPI version, duplicate id or factory name. Stops start-up. */
public final class PluginLoadException extends RuntimeException {
    /** @param message names the plugin (id and file) and the cause */
    public PluginLoadException(String message) {
        super(message);
    }

    /**
     * @param message names the plugin and the cause
     * @param cause the underlying error
     */
    public PluginLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
