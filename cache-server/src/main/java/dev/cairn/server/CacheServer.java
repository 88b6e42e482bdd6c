package dev.cairn.server;

import dev.cairn.server.auth.Authenticator;
import dev.cairn.server.metrics.ErrorLog;
import dev.cairn.server.staging.PoolStaging;
import dev.cairn.server.staging.Staging;
import dev.cairn.server.staging.TempFileStaging;
import dev.cairn.server.tls.TlsKeyStore;
import dev.cairn.spi.MetricSample;
import dev.cairn.spi.StatusSource;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.store.Store;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The HTTP cache server of {@code cairn serve}: Bazel, ccache, Gradle and sccache (WebDAV) on one port, over any
 * {@link Store}. Uploads are staged in the file pool (or temp files) and reach the store only once complete and
 * verified. See the package documentation for the path-to-namespace mapping and the status codes.
 */
public final class CacheServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CacheServer.class);
    /**
     * Bytes read from a connection at once (Jetty's default is 8 KiB): an upload of 1 MiB then takes 16 reads and
     * wake-ups of the request thread rather than 128. Buffers are pooled and released while a connection is idle.
     */
    private static final int INPUT_BUFFER = 64 * 1024;
    /** Jetty's default acceptor count. */
    private static final int ACCEPTORS = -1;
    /**
     * One selector per core (Jetty's default is half the cores): the handler answers small GETs on the selector
     * thread, so selectors are the event loops, like nginx's {@code worker_processes auto}. Measured on 2 cores with
     * wrk GET 4 KiB: 33-40k req/s with one selector, 46-87k with two (bench/cache-http.sh, a shared, noisy box).
     */
    private static final int SELECTORS = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));

    /** What {@link #reconfigure} can change live. */
    record Settings(Authenticator auth, long maxBlobSize, boolean readOnly) {
    }

    private final ServerConfig config;
    private final Store store;
    private final FilePool stagingPool;
    private final StatusSource hostStatus;
    private final Consumer<String> listening;
    private final ServerState state;
    private volatile ServerConfig current;
    private volatile Settings settings;
    private volatile Staging staging;
    private volatile Server server;
    private volatile URI uri;

    /**
     * @param config the server section
     * @param store the cache (possibly tiered); not closed by the server
     * @param stagingPool where uploads are staged until complete and verified; null stages into temp files
     * @param hostStatus the host's own status (plugins, pool, services) merged into {@code /status} and {@code /metrics}
     * @param listening called with the URL of each listener once it accepts connections
     */
    public CacheServer(ServerConfig config, Store store, FilePool stagingPool, StatusSource hostStatus,
                       Consumer<String> listening) {
        this(config, store, stagingPool, hostStatus, listening, Clock.systemUTC());
    }

    CacheServer(ServerConfig config, Store store, FilePool stagingPool, StatusSource hostStatus,
                Consumer<String> listening, Clock clock) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.current = config;
        this.store = Objects.requireNonNull(store, "store is null");
        this.stagingPool = stagingPool;
        this.hostStatus = Objects.requireNonNull(hostStatus, "hostStatus is null");
        this.listening = Objects.requireNonNull(listening, "listening is null");
        Objects.requireNonNull(clock, "clock is null");
        this.state = new ServerState(store, hostStatus, clock, this::info, () -> staging);
    }

    /**
     * Reads the auth files and the certificate, binds the port and starts serving.
     *
     * @throws Exception when the port cannot be bound, or a {@link dev.cairn.spi.ConfigurationException} when a
     *     configured file cannot be read
     */
    public synchronized void start() throws Exception {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        settings = settingsOf(config);
        TlsKeyStore keys = config.tls() == null ? null : TlsKeyStore.load(config.tls());
        staging = stagingPool != null ? new PoolStaging(stagingPool)
                : TempFileStaging.open(config.stagingDir() == null ? null : Path.of(config.stagingDir()));

        QueuedThreadPool threads = new QueuedThreadPool(config.maxThreads(), Math.min(8, config.maxThreads()));
        threads.setName("cairn-http");
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        h1.setInputBufferSize(INPUT_BUFFER);
        ServerConnector connector;
        if (keys != null) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(keys.keyStore());
            ssl.setKeyStorePassword(keys.password());
            ssl.setKeyManagerPassword(keys.password());
            connector = new ServerConnector(jetty, ACCEPTORS, SELECTORS,
                    new SslConnectionFactory(ssl, h1.getProtocol()), h1);
        } else {
            connector = new ServerConnector(jetty, ACCEPTORS, SELECTORS, h1);
        }
        connector.setHost(config.host());
        connector.setPort(config.port());
        jetty.addConnector(connector);
        ErrorLog errors = new ErrorLog(LOG, Clock.systemUTC(), Duration.ofMinutes(1));
        jetty.setHandler(new CacheHandler(store, staging, () -> settings, state, errors, threads));
        try {
            jetty.start();
        } catch (Exception e) {
            jetty.stop();
            staging.close();
            throw e;
        }
        server = jetty;
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        String url = (keys != null ? "https" : "http") + "://" + host + ":" + connector.getLocalPort();
        uri = URI.create(url);
        listening.accept(url);
    }

    private static Settings settingsOf(ServerConfig c) {
        return new Settings(Authenticator.load(c.auth()), c.maxBlobSize().bytes(), c.readOnly());
    }

    /**
     * Applies a new {@code server} section while running: the auth files are re-read, {@code maxBlobSize} and
     * {@code readOnly} change at once. Address, port, TLS, staging and threads only change on restart.
     *
     * @param next the new section
     * @return the keys (e.g. {@code server.port}) that changed but need a restart, sorted; empty when all applied
     * @throws dev.cairn.spi.ConfigurationException when an auth file cannot be read; nothing is applied then
     */
    public synchronized List<String> reconfigure(ServerConfig next) {
        Objects.requireNonNull(next, "next is null");
        Settings applied = settingsOf(next);
        List<String> restart = new ArrayList<>();
        ServerConfig was = current;
        if (!was.host().equals(next.host())) {
            restart.add("server.host");
        }
        if (!was.maxThreads().equals(next.maxThreads())) {
            restart.add("server.maxThreads");
        }
        if (!was.port().equals(next.port())) {
            restart.add("server.port");
        }
        if (!Objects.equals(was.stagingDir(), next.stagingDir())) {
            restart.add("server.stagingDir");
        }
        if (!Objects.equals(was.tls(), next.tls())) {
            restart.add("server.tls");
        }
        settings = applied;
        current = next;
        if (!restart.isEmpty()) {
            LOG.info("server settings {} change only on restart", restart);
        }
        return List.copyOf(restart);
    }

    /** @return the main listener's URI, once started */
    public URI uri() {
        URI u = uri;
        if (u == null) {
            throw new IllegalStateException("not started");
        }
        return u;
    }

    private Map<String, Object> info() {
        Map<String, Object> m = new LinkedHashMap<>();
        URI u = uri;
        if (u != null) {
            m.put("url", u.toString());
        }
        ServerConfig c = current;
        Settings s = settings;
        m.put("tls", config.tls() != null);
        m.put("auth", s != null && s.auth().enabled());
        m.put("readOnly", c.readOnly());
        m.put("maxBlobSizeBytes", c.maxBlobSize().bytes());
        return m;
    }

    /** @return the merged status document served at {@code /status} */
    public Map<String, Object> status() {
        return state.status();
    }

    /** @return the samples served at {@code /metrics} (the server's and the host's) */
    public List<MetricSample> metrics() {
        return state.metrics();
    }

    /** Stops serving; uploads in flight are dropped. Does not close the store or the pool. */
    @Override
    public synchronized void close() throws Exception {
        Server s = server;
        server = null;
        try {
            if (s != null) {
                s.stop();
            }
        } finally {
            Staging st = staging;
            if (st != null) {
                st.close();
            }
        }
    }
}
