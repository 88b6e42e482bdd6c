package dev.cairn.server;

import dev.cairn.spi.StatusSource;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.store.Store;

import java.net.URI;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The HTTP cache server of {@code cairn serve}. Placeholder until the cache server lands.
 */
public final class CacheServer implements AutoCloseable {
    private final ServerConfig config;
    private final Store store;
    private final FilePool stagingPool;
    private final StatusSource hostStatus;
    private final Consumer<String> listening;

    /**
     * @param config the server section
     * @param store the cache (possibly tiered)
     * @param stagingPool where uploads are staged until complete and verified; null stages into temp files
     * @param hostStatus the host's own status (plugins, pool, services) merged into {@code /status} and {@code /metrics}
     * @param listening called with the URL of each listener once it accepts connections
     */
    public CacheServer(ServerConfig config, Store store, FilePool stagingPool, StatusSource hostStatus,
                       Consumer<String> listening) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.store = Objects.requireNonNull(store, "store is null");
        this.stagingPool = stagingPool;
        this.hostStatus = Objects.requireNonNull(hostStatus, "hostStatus is null");
        this.listening = Objects.requireNonNull(listening, "listening is null");
    }

    /**
     * Starts listening.
     *
     * @throws Exception when the port cannot be bound
     */
    public void start() throws Exception {
        throw new IllegalStateException("cache server not built yet");
    }

    /** @return the main listener's URI, once started */
    public URI uri() {
        throw new IllegalStateException("not started");
    }

    @Override
    public void close() throws Exception {
    }
}
