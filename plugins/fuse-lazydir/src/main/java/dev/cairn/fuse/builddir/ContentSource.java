package dev.cairn.fuse.builddir;

import dev.cairn.spi.pool.PoolFile;

import java.io.IOException;

/** Where the content of manifest files comes from on first read. */
interface ContentSource {
    /**
     * Copies a blob into a pool file, checking its size and digest.
     *
     * @param sha256 the content's digest
     * @param size the size the manifest declares
     * @param into an empty pool file
     * @throws IOException when the blob is missing, unreadable or does not match
     */
    void copyInto(String sha256, long size, PoolFile into) throws IOException;
}
