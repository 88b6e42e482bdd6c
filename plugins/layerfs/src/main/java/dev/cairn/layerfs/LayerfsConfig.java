package dev.cairn.layerfs;

import dev.cairn.spi.ConfigurationException;

import java.time.Duration;

/**
 * Settings of {@code sections.layerfs}.
 *
 * @param storeDir the layer store directory (relative paths resolve against the home); default {@code var/layerfs}
 * @param waitTimeout how long a reader waits for a file of a layer still arriving before getting EIO; default 30s
 * @param streamIdleTimeout how long a growing stream file (or HTTP connect) may stall before the stream fails;
 *     default 60s
 */
public record LayerfsConfig(String storeDir, Duration waitTimeout, Duration streamIdleTimeout) {
    /** Applies defaults and validates. */
    public LayerfsConfig {
        storeDir = storeDir == null ? "var/layerfs" : storeDir;
        waitTimeout = waitTimeout == null ? Duration.ofSeconds(30) : waitTimeout;
        streamIdleTimeout = streamIdleTimeout == null ? Duration.ofSeconds(60) : streamIdleTimeout;
        if (storeDir.isBlank()) {
            throw new ConfigurationException("storeDir", "must not be empty");
        }
        if (waitTimeout.isNegative() || waitTimeout.isZero()) {
            throw new ConfigurationException("waitTimeout", "must be positive, e.g. 30s (got " + waitTimeout + ")");
        }
        if (streamIdleTimeout.isNegative() || streamIdleTimeout.isZero()) {
            throw new ConfigurationException("streamIdleTimeout", "must be positive, e.g. 60s (got " + streamIdleTimeout + ")");
        }
    }

    /** @return all defaults */
    public static LayerfsConfig defaults() {
        return new LayerfsConfig(null, null, null);
    }
}
