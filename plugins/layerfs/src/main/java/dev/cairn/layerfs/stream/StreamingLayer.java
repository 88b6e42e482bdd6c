package dev.cairn.layerfs.stream;

import dev.cairn.layerfs.archive.LayerExtractor;
import dev.cairn.layerfs.archive.LayerIndex;
import dev.cairn.layerfs.store.DigestMismatchException;
import dev.cairn.layerfs.store.LayerStore;
import dev.cairn.layerfs.store.StoredLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A layer extracted from a stream while it is being mounted. Entries appear in {@link #index()} as their headers (or
 * the stream's table of contents) arrive; file content becomes readable once complete. When the stream ends and its
 * digest matches, the layer is moved into the store under its digest and the index follows it.
 */
public final class StreamingLayer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingLayer.class);
    private final LayerIndex index;
    private final CompletableFuture<StoredLayer> done = new CompletableFuture<>();
    private final Thread thread;
    private final InputStream source;

    private StreamingLayer(LayerStore store, InputStream source, String expectedDigest) throws IOException {
        this.source = source;
        Path staging = store.newStagingDir("stream");
        Path rootfs = Files.createDirectories(staging.resolve("rootfs"));
        this.index = new LayerIndex(rootfs);
        this.thread = new Thread(() -> run(store, staging, expectedDigest), "layerfs-stream");
        this.thread.setDaemon(true);
    }

    /**
     * Starts reading the stream in a background thread.
     *
     * @param expectedDigest {@code sha256:<hex>} the stream must hash to, or null
     */
    public static StreamingLayer start(LayerStore store, InputStream source, String expectedDigest) throws IOException {
        Objects.requireNonNull(store, "store is null");
        Objects.requireNonNull(source, "source is null");
        StreamingLayer layer = new StreamingLayer(store, source, expectedDigest);
        layer.thread.start();
        return layer;
    }

    /** @return the growing index to mount */
    public LayerIndex index() {
        return index;
    }

    /** @return completes with the stored layer once the whole stream arrived, or exceptionally */
    public CompletableFuture<StoredLayer> done() {
        return done;
    }

    private void run(LayerStore store, Path staging, String expectedDigest) {
        try (InputStream in = source) {
            LayerExtractor.Extracted extracted = new LayerExtractor(index).extract(in);
            if (expectedDigest != null && !expectedDigest.equals(extracted.digest())) {
                DigestMismatchException e = new DigestMismatchException(expectedDigest, extracted.digest());
                index.fail(e);
                throw e;
            }
            StoredLayer stored = store.publish(staging, extracted.digest(), index);
            if (Files.exists(staging)) {
                LayerStore.deleteTree(staging); // the digest was already stored: this copy is redundant
            }
            done.complete(stored);
        } catch (IOException | RuntimeException e) {
            LOG.warn("layer stream failed: {}", e.getMessage());
            done.completeExceptionally(e);
        }
    }

    /** Stops reading (the stream is closed; waiting readers get EIO). */
    @Override
    public void close() throws IOException {
        if (!done.isDone()) {
            index.fail(new IOException("layer stream closed before it ended"));
            source.close();
            thread.interrupt();
        }
    }
}
