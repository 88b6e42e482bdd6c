package dev.cairn.host.lifecycle;

import dev.cairn.server.CacheServer;
import dev.cairn.server.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * What {@code cairn serve} runs: the cache server over the configured store plus the configured services, started in
 * order and stopped in reverse, on {@link #close()} or SIGTERM.
 */
public final class Server implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Server.class);
    private final Host host;
    private final List<Host.NamedService> started = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile CacheServer cacheServer;

    /** @param host the host */
    public Server(Host host) {
        this.host = Objects.requireNonNull(host, "host is null");
    }

    /**
     * Validates everything, opens the store, starts the cache server and the services.
     *
     * @throws Exception when something cannot start; whatever started is stopped again
     */
    public void start() throws Exception {
        host.validate();
        ServerConfig serverConfig = serverConfig(host);
        try {
            HostStatus status = new HostStatus(host, () -> List.copyOf(started));
            CacheServer server = new CacheServer(serverConfig, host.store(), host.configuredPool().orElse(null),
                    status, host::listening);
            cacheServer = server;
            server.start();
            for (Host.NamedService s : host.createServices()) {
                s.service().start();
                started.add(s);
                log.info("started service {} ({})", s.type(), s.key());
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /**
     * @param host the host
     * @return the bound {@code server} section
     */
    public static ServerConfig serverConfig(Host host) {
        // Auth, TLS and staging paths resolve against the home like every other configured path.
        return host.binder().bind(host.config().server(), ServerConfig.class, "server")
                .withPaths(name -> host.resolve(name).toString());
    }

    /** @return what {@code GET /status} and {@code /metrics} show, for the status directory */
    public dev.cairn.spi.StatusSource status() {
        return new dev.cairn.spi.StatusSource() {
            @Override
            public java.util.Map<String, Object> status() {
                return cacheServer.status();
            }

            @Override
            public List<dev.cairn.spi.MetricSample> metrics() {
                return cacheServer.metrics();
            }
        };
    }

    /** @return the cache server, once started */
    public CacheServer cacheServer() {
        return cacheServer;
    }

    /**
     * Blocks until {@link #close()}.
     *
     * @throws InterruptedException when interrupted
     */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        List<Host.NamedService> toStop;
        synchronized (started) {
            toStop = new ArrayList<>(started);
            started.clear();
        }
        Collections.reverse(toStop);
        for (Host.NamedService s : toStop) {
            try {
                s.service().stop();
            } catch (Exception e) {
                log.warn("stopping service {} failed: {}", s.type(), e.toString());
            }
        }
        CacheServer server = cacheServer;
        if (server != null) {
            try {
                server.close();
            } catch (Exception e) {
                log.warn("stopping the cache server failed: {}", e.toString());
            }
        }
        host.close();
        log.info("cairn stopped");
        stopped.countDown();
    }
}
