package dev.cairn.fuse.builddir;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Where the content of manifest files comes from on first read. */
interface ContentSource {
    /** Receives content at offsets from 0. */
    interface Sink {
        /**
         * @param src bytes to write, all of them
         * @param offset position in the content
         * @throws IOException when they cannot be kept
         */
        void writeAt(ByteBuffer src, long offset) throws IOException;
    }

    /**
     * Copies a blob into a sink, checking its size and digest.
     *
     * @param sha256 the content's digest
     * @param size the size the manifest declares
     * @param into receives the bytes
     * @throws IOException when the blob is missing, unreadable or does not match
     */
    void copyInto(String sha256, long size, Sink into) throws IOException;
}
