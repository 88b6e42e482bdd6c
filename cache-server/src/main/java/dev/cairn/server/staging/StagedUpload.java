package dev.cairn.server.staging;

import dev.cairn.spi.store.BlobSource;

import java.io.Closeable;
import java.io.IOException;

/**
 * A request body received completely into staging, outside the store. It is a re-readable {@link BlobSource} for
 * {@link dev.cairn.spi.store.Store#put}; closing it frees the staged bytes.
 */
public interface StagedUpload extends BlobSource, Closeable {
    /** @return the SHA-256 of the content as lower-case hex, or null when it was not asked for */
    String sha256();

    /** Frees the staged bytes. */
    @Override
    void close() throws IOException;
}
