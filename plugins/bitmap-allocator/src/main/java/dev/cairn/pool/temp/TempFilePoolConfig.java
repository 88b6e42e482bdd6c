package dev.cairn.pool.temp;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.config.DataSize;

/**
 * Configuration of the {@code temp} file pool.
 *
 * <pre>
 * pool:
 *   type: temp
 *   dir: var/pool      # where the temporary files go (default var/pool, relative to the home)
 *   quota: 2GiB        # optional: most bytes all files of the pool may hold together
 * </pre>
 *
 * @param dir directory of the temporary files
 * @param quota optional limit on the sum of the sizes of the pool's files
 */
public record TempFilePoolConfig(String dir, DataSize quota) {
    /** Applies defaults and validates every key. */
    public TempFilePoolConfig {
        if (dir == null) {
            dir = "var/pool";
        }
        if (dir.isBlank()) {
            throw new ConfigurationException("dir", "must name a directory, e.g. var/pool");
        }
        if (quota != null && quota.bytes() < 1) {
            throw new ConfigurationException("quota", "must be at least 1 byte, or left out for no quota");
        }
    }
}
