package dev.cairn.spi.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * An open blob returned by {@link Store#get}. The content stays readable until closed, even if the entry is evicted
 * meanwhile.
 */
public interface Blob extends Closeable {
    /** @return the blob's size in bytes */
    long size();

    /**
     * @return the content; may be called once
     * @throws IOException when the content cannot be opened
     */
    InputStream stream() throws IOException;
}
