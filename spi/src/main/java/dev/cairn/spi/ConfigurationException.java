package dev.cairn.spi;

import java.util.Objects;

/**
 * A configuration value is missing or invalid. The message names the key path (for example
 * {@code cache.stores[0].maxSize}) and, where it helps, the allowed values. The host exits with code 2 on it.
 */
public class ConfigurationException extends RuntimeException {
    private final String key;

    /**
     * @param key the key path, e.g. {@code pool.allocator}
     * @param message what is wrong, and what is allowed
     */
    public ConfigurationException(String key, String message) {
        super(key + ": " + message);
        this.key = Objects.requireNonNull(key, "key is null");
    }

    /**
     * @param key the key path
     * @param message what is wrong
     * @param cause the underlying error
     */
    public ConfigurationException(String key, String message, Throwable cause) {
        super(key + ": " + message, cause);
        this.key = Objects.requireNonNull(key, "key is null");
    }

    /** @return the key path the error is about */
    public String key() {
        return key;
    }
}
