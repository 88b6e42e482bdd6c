package dev.cairn.host.cli;

import dev.cairn.host.config.ConfigBinder;
import dev.cairn.host.config.ConfigLoader;
import dev.cairn.host.config.ConfigSource;
import dev.cairn.host.config.SecretMasking;
import dev.cairn.host.lifecycle.ConfigReloader;
import dev.cairn.host.lifecycle.Host;
import dev.cairn.host.lifecycle.Server;
import dev.cairn.host.lifecycle.StatusDirectory;
import dev.cairn.projection.ConfigVolumeWatcher;
import dev.cairn.spi.StatusSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** What {@code cairn serve} runs beside the server: config watching ({@code --watch-config}) and status publishing. */
final class ServeExtras implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServeExtras.class);
    private final ConfigVolumeWatcher watcher;
    private final ScheduledExecutorService publisher;

    private ServeExtras(ConfigVolumeWatcher watcher, ScheduledExecutorService publisher) {
        this.watcher = watcher;
        this.publisher = publisher;
    }

    static ServeExtras start(Bootstrap bootstrap, String configOption, Host host, Server server, boolean watchConfig)
            throws IOException {
        StatusSource status = server.status();
        ConfigSource source = bootstrap.source(configOption);
        ConfigReloader reloader = new ConfigReloader(new ConfigLoader(new ConfigBinder(), System::getenv), source,
                host, server.cacheServer(), LogLevels::apply);
        StatusDirectory statusDir = host.config().status().dir() == null ? null
                : new StatusDirectory(host.resolve(host.config().status().dir()), status,
                () -> SecretMasking.masked(reloader.current().tree()));
        ScheduledExecutorService executor = null;
        if (statusDir != null) {
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cairn-status");
                t.setDaemon(true);
                return t;
            });
            long every = host.config().status().interval().toMillis();
            executor.scheduleWithFixedDelay(statusDir::publish, 0, every, TimeUnit.MILLISECONDS);
            log.info("publishing status to {} every {}", host.resolve(host.config().status().dir()),
                    host.config().status().interval());
        }
        ConfigVolumeWatcher watcher = null;
        if (watchConfig) {
            if (source.file().isEmpty()) {
                log.warn("--watch-config: the embedded default configuration cannot change; not watching");
            } else {
                Path file = source.file().get();
                ScheduledExecutorService republish = executor;
                watcher = new ConfigVolumeWatcher(file, changed -> {
                    ConfigReloader.Result r = reloader.reload();
                    if (r.accepted() && statusDir != null && republish != null) {
                        republish.execute(statusDir::publish);
                    }
                });
                watcher.start();
                log.info("watching {} for changes", file);
            }
        }
        return new ServeExtras(watcher, executor);
    }

    @Override
    public void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                log.warn("stopping the config watcher failed: {}", e.toString());
            }
        }
        if (publisher != null) {
            publisher.shutdownNow();
        }
    }
}
