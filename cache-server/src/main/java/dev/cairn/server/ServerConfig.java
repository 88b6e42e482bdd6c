package dev.cairn.server;

/**
 * The {@code server} section: where the cache server listens.
 *
 * @param host address to bind, default {@code 127.0.0.1}
 * @param port port to bind, default 8080; 0 picks a free port
 */
public record ServerConfig(String host, Integer port) {
    /** Applies defaults and validates. */
    public ServerConfig {
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 8080 : port;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: must be 0..65535, not " + port);
        }
    }

    /** @return the defaults */
    public static ServerConfig defaults() {
        return new ServerConfig(null, null);
    }
}
