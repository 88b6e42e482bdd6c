package dev.cairn.projection;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread behind the watchers: waits for a {@link WatchService} event in any watched directory or for the poll
 * interval to pass (the fallback for file systems without inotify, and for events the kernel dropped), lets a burst
 * of events settle for the debounce time, then runs the check. The check itself decides whether anything changed, so
 * a spurious wake-up costs one comparison. Errors of a check are logged and the loop goes on.
 */
final class DirectoryWatchLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatchLoop.class);

    /** What to watch: re-evaluated after every check, so new subdirectories are picked up. */
    interface Directories {
        List<Path> get() throws IOException;
    }

    /** One check. */
    interface Check {
        void run() throws Exception;
    }

    private final String name;
    private final Directories directories;
    private final Check check;
    private final Duration pollInterval;
    private final Duration debounce;
    private final Set<Path> registered = new HashSet<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile WatchService watchService;
    private Thread thread;

    DirectoryWatchLoop(String name, Directories directories, Check check, Duration pollInterval, Duration debounce) {
        this.name = requireNonNull(name, "name is null");
        this.directories = requireNonNull(directories, "directories is null");
        this.check = requireNonNull(check, "check is null");
        this.pollInterval = positive(pollInterval, "pollInterval");
        this.debounce = requireNonNull(debounce, "debounce is null");
        if (debounce.isNegative()) {
            throw new IllegalArgumentException("debounce must not be negative: " + debounce);
        }
    }

    private static Duration positive(Duration d, String what) {
        requireNonNull(d, what + " is null");
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }

    synchronized void start() throws IOException {
        if (thread != null) {
            throw new IllegalStateException(name + " already started");
        }
        try {
            watchService = FileSystems.getDefault().newWatchService();
            register();
        } catch (IOException e) {
            // e.g. the inotify instance limit is reached: polling alone still sees every change, only later
            LOG.warn("{}: no file system events ({}); polling every {}", name, e.toString(), pollInterval);
            watchService = null;
        }
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void register() {
        if (watchService == null) {
            return;
        }
        try {
            for (Path dir : directories.get()) {
                if (registered.add(dir)) {
                    dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
                }
            }
        } catch (IOException | RuntimeException e) {
            // The poll interval still catches changes; the next round registers again.
            LOG.warn("{}: cannot watch all directories: {}", name, e.toString());
        }
    }

    private void loop() {
        try {
            while (!closed) {
                if (watchService == null) {
                    if (stopped.await(pollInterval.toNanos(), TimeUnit.NANOSECONDS)) {
                        return;
                    }
                }
                WatchKey key = watchService == null ? null
                        : watchService.poll(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
                if (key != null) {
                    drain(key);
                    WatchKey more;
                    while ((more = watchService.poll(debounce.toNanos(), TimeUnit.NANOSECONDS)) != null) {
                        drain(more);
                    }
                }
                if (closed) {
                    return;
                }
                try {
                    check.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    LOG.error("{}: check failed, keeping the previous state: {}", name, e.toString(), e);
                }
                register();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private void drain(WatchKey key) {
        key.pollEvents();
        if (!key.reset()) {
            registered.remove((Path) key.watchable());
        }
    }

    @Override
    public void close() throws IOException {
        Thread t;
        synchronized (this) {
            closed = true;
            stopped.countDown();
            t = thread;
            if (watchService != null) {
                watchService.close();
            }
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
