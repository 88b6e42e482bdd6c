package dev.cairn.sparse;

import dev.cairn.spi.ConfigurationException;

import java.time.Duration;

/**
 * Configuration of the sync server ({@code services: [{type: sync-server, ...}]}).
 *
 * @param host address to bind, default {@code 127.0.0.1}
 * @param port port to bind, default 8555; 0 picks a free port
 * @param root directory every target path is confined to (required)
 * @param idleTimeout a session without requests for this long is closed (nothing recorded), default 10m
 * @param token when set, every request must carry {@code Authorization: Bearer <token>}
 * @param threads request threads, default 8
 */
public record SyncServerConfig(String host, Integer port, String root, Duration idleTimeout, String token,
                               Integer threads) {
    /** Applies defaults and validates. */
    public SyncServerConfig {
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 8555 : port;
        if (port < 0 || port > 65535) {
            throw new ConfigurationException("port", "must be 0..65535, not " + port);
        }
        if (root == null || root.isBlank()) {
            throw new ConfigurationException("root", "is required: the directory targets are confined to");
        }
        idleTimeout = idleTimeout == null ? Duration.ofMinutes(10) : idleTimeout;
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new ConfigurationException("idleTimeout", "must be positive, e.g. 10m, not " + idleTimeout);
        }
        if (token != null && token.isBlank()) {
            throw new ConfigurationException("token", "must not be blank; leave it out to disable auth");
        }
        threads = threads == null ? 8 : threads;
        if (threads < 1 || threads > 256) {
            throw new ConfigurationException("threads", "must be 1..256, not " + threads);
        }
    }
}
