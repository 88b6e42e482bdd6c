package dev.cairn.projection;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when a configuration file changed, including when it is reached through a Kubernetes ConfigMap-style volume:
 * there {@code cairn.yaml -> ..data/cairn.yaml} is a symlink and an update swaps {@code ..data}, so the file's own
 * inode never changes and watching the file itself sees nothing. This watcher watches the file's <em>parent</em>
 * directory (where {@code ..data} is renamed) and, on each event or poll, compares the file's resolved real path and
 * the SHA-256 of its content with what it saw last.
 *
 * <p>The callback runs once per change: once per {@code ..data} swap (the real path moved to a new timestamped
 * directory; a swap whose bytes happen to be equal still calls back, because other files of the volume the
 * configuration refers to may have changed with it) and once per in-place edit of a plain file (same real path, new
 * hash). A no-op write of the volume (no swap) does not call back, nor does a moment where the file cannot be read
 * (it is never missing during an atomic swap, but an editor may delete and recreate it): the last state seen is kept
 * and compared against next time. The state at construction is the baseline, so the first callback is for the first
 * change after it.
 *
 * <p>Tests drive it deterministically through {@link #checkNow()}; {@link #start()} runs the same check on a daemon
 * thread.
 */
public final class ConfigVolumeWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigVolumeWatcher.class);
    /** Default fallback poll when no event arrives. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
    /** Default quiet time after a burst of events. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(100);

    private final Path configFile;
    private final Consumer<Path> onChange;
    private final DirectoryWatchLoop loop;
    private Path lastRealPath;
    private byte[] lastHash;

    /**
     * A watcher with the default poll interval and debounce.
     *
     * @param configFile the configuration file, possibly a symlink into {@code ..data}
     * @param onChange called with {@code configFile} after each change
     */
    public ConfigVolumeWatcher(Path configFile, Consumer<Path> onChange) {
        this(configFile, onChange, DEFAULT_POLL_INTERVAL, DEFAULT_DEBOUNCE);
    }

    /**
     * @param configFile the configuration file, possibly a symlink into {@code ..data}
     * @param onChange called with {@code configFile} after each change
     * @param pollInterval how often to check without an event
     * @param debounce how long a burst of events must be quiet before checking
     */
    public ConfigVolumeWatcher(Path configFile, Consumer<Path> onChange, Duration pollInterval, Duration debounce) {
        this.configFile = requireNonNull(configFile, "configFile is null").toAbsolutePath().normalize();
        this.onChange = requireNonNull(onChange, "onChange is null");
        Path parent = this.configFile.getParent();
        this.loop = new DirectoryWatchLoop("cairn-config-watcher", () -> List.of(parent), this::checkNow,
                pollInterval, debounce);
        State state = read();
        if (state != null) {
            lastRealPath = state.realPath;
            lastHash = state.hash;
        }
    }

    /**
     * Compares the file with what was seen last and calls back when its real path or its content changed.
     *
     * @return whether the callback ran
     */
    public boolean checkNow() {
        State state;
        Path previousRealPath;
        synchronized (this) {
            state = read();
            if (state == null || (state.realPath.equals(lastRealPath) && Arrays.equals(state.hash, lastHash))) {
                return false;
            }
            previousRealPath = lastRealPath;
            lastRealPath = state.realPath;
            lastHash = state.hash;
        }
        if (state.realPath.equals(previousRealPath)) {
            LOG.info("configuration {} changed in place", configFile);
        } else {
            LOG.info("configuration {} changed: now {} (was {})", configFile, state.realPath, previousRealPath);
        }
        onChange.accept(configFile);
        return true;
    }

    /** @return the real path of the file as last seen, e.g. {@code /etc/cairn/..2026_01_31_.../cairn.yaml} */
    public synchronized Path lastRealPath() {
        return lastRealPath;
    }

    private State read() {
        try {
            Path real = configFile.toRealPath();
            byte[] content = Files.readAllBytes(real);
            return new State(real, MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchFileException e) {
            LOG.warn("configuration {} is missing; keeping the last one seen", configFile);
            return null;
        } catch (IOException e) {
            LOG.warn("cannot read configuration {}: {}; keeping the last one seen", configFile, e.toString());
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private record State(Path realPath, byte[] hash) {
    }

    /**
     * Starts watching the parent directory in a daemon thread.
     *
     * @throws IOException when the watch service cannot be created
     */
    public void start() throws IOException {
        loop.start();
    }

    /** Stops the watcher thread. */
    @Override
    public void close() throws IOException {
        loop.close();
    }
}
