package dev.cairn.projection;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a projection in step with its source: {@link #start()} watches the source's directories
 * ({@link java.nio.file.WatchService}, with a poll every {@code pollInterval} as the fallback) and re-projects after a
 * burst of events has been quiet for {@code debounce}. Because the {@link AtomicWriter} compares before it writes, a
 * wake-up without a real change creates nothing. A source that is momentarily malformed (a JSON file caught half
 * rewritten) is logged and skipped; the previous projection stays until the source is valid again.
 *
 * <p>Tests drive it without threads or sleeps through {@link #checkNow()}.
 */
public final class ProjectionWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionWatcher.class);

    /** Hears of each projection the watcher thread makes or fails to make. */
    public interface Listener {
        /**
         * @param payload the payload that is now projected
         * @param changed whether the projection changed
         */
        default void projected(SortedMap<String, PayloadFile> payload, boolean changed) {
        }

        /** @param error why the source could not be projected; the previous projection stays */
        default void failed(Exception error) {
        }
    }

    private final ProjectionSource source;
    private final AtomicWriter writer;
    private final Listener listener;
    private final DirectoryWatchLoop loop;

    /**
     * @param source what to project
     * @param writer where to project it
     * @param pollInterval how often to check without an event
     * @param debounce how long a burst of events must be quiet before re-projecting
     * @param listener hears of each projection the watcher thread makes
     */
    public ProjectionWatcher(ProjectionSource source, AtomicWriter writer, Duration pollInterval, Duration debounce,
            Listener listener) {
        this.source = requireNonNull(source, "source is null");
        this.writer = requireNonNull(writer, "writer is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.loop = new DirectoryWatchLoop("cairn-projection-watcher", source::watchedDirectories, this::checkFromLoop,
                pollInterval, debounce);
    }

    /**
     * Reads the source and projects it.
     *
     * @return whether the projection changed
     * @throws InvalidPayloadException when the source is malformed
     * @throws IOException when reading or writing fails
     */
    public boolean checkNow() throws IOException {
        SortedMap<String, PayloadFile> payload = source.read();
        boolean changed = writer.write(payload);
        if (changed) {
            LOG.info("projected {} files from {} into {}", payload.size(), source.path(), writer.targetDir());
        }
        listener.projected(payload, changed);
        return changed;
    }

    private void checkFromLoop() {
        try {
            checkNow();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot project {} into {}: {}", source.path(), writer.targetDir(), e.getMessage());
            listener.failed(e);
        }
    }

    /**
     * Starts watching in a daemon thread. Does not project by itself: call {@link #checkNow()} first for the initial
     * projection.
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
