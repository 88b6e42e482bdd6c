package dev.cairn.dir;

import dev.cairn.spi.ConfigurationException;

/**
 * Configuration of the {@code path} directory opener, e.g. {@code {type: path, path: /worker/build}}.
 *
 * @param path the directory to open on every call; relative paths resolve against the Cairn home
 */
public record PathOpenerConfig(String path) {
    /** Requires a path. */
    public PathOpenerConfig {
        if (path == null || path.isBlank()) {
            throw new ConfigurationException("path", "required: the directory to open, e.g. /worker/build");
        }
    }
}
