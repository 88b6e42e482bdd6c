package dev.cairn.spi.pool;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A temporary random-access file from a {@link FilePool}. Regions never written are holes: they read as zeros and
 * take no space. Not required to be thread-safe.
 */
public interface PoolFile extends Closeable {
    /**
     * Reads into {@code dst} from {@code offset}.
     *
     * @param dst the buffer to fill
     * @param offset position in the file
     * @return bytes read, or -1 when {@code offset} is at or past the end
     * @throws IOException when the backing store fails
     */
    int readAt(ByteBuffer dst, long offset) throws IOException;

    /**
     * Writes all of {@code src} at {@code offset}, growing the file as needed.
     *
     * @param src the bytes to write
     * @param offset position in the file
     * @throws IOException when space cannot be allocated or the backing store fails; space allocated by a failed
     *     write is released
     */
    void writeAt(ByteBuffer src, long offset) throws IOException;

    /** @return the file's size in bytes */
    long size();

    /**
     * Shrinks or grows the file; shrinking frees space, growing adds a hole.
     *
     * @param size the new size
     * @throws IOException when the backing store fails
     */
    void truncate(long size) throws IOException;

    /**
     * Finds the next region of a type at or after {@code offset}, like {@code lseek(SEEK_DATA|SEEK_HOLE)}.
     *
     * @param offset where to start
     * @param type data or hole
     * @return the region's offset; the end of the file counts as a hole
     * @throws java.io.EOFException when {@code offset} is at or past the end, or no data follows
     * @throws IOException when the backing store fails
     */
    long nextRegionOffset(long offset, RegionType type) throws IOException;

    /**
     * Frees the file's space.
     *
     * @throws IOException when the backing store fails
     */
    @Override
    void close() throws IOException;
}
