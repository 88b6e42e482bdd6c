package dev.cairn.spi.pool;

import dev.cairn.spi.StatusSource;

import java.io.IOException;

/**
 * A source of temporary random-access files (uploads being staged, files written by a build). Files live only as
 * long as they are open: closing a file frees its space.
 */
public interface FilePool extends StatusSource, AutoCloseable {
    /**
     * @return a new empty file
     * @throws IOException when the pool cannot create one (for example its quota is spent)
     */
    PoolFile newFile() throws IOException;

    /**
     * Closes the pool; files still open become unusable.
     *
     * @throws IOException when the backing store cannot be closed
     */
    @Override
    void close() throws IOException;
}
